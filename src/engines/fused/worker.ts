/**
 * The second thread of the two-thread wasm kernel: it shares the kernel's memory, waits for a start
 * signal, runs forward and backward on the second half of the batch and signals completion.
 */

import { MLP_OUTPUT_DIM } from "../../core/mlp.js";
import { COMMAND, CONTROL, forwardBackward, type MemoryPlan, type WasmExports } from "./wasmKernel.js";

interface Setup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  plan: MemoryPlan;
}

self.onmessage = async (event: MessageEvent<Setup>) => {
  const { module, memory, plan } = event.data;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const wasm = instance.exports as unknown as WasmExports;
  const control = new Int32Array(memory.buffer, plan.control, 8);
  const result = new Float64Array(memory.buffer, plan.control + CONTROL.resultByte, 1);
  const [from, to] = plan.spans[1]; // the second half ends the batch
  // ∂loss/∂output = 2 (output − target) / (2 · whole batch), as on the main thread.
  const scale = 2 / (to * MLP_OUTPUT_DIM);
  self.postMessage("ready");
  // Blocking here is allowed (a worker) and keeps the wake-up latency to a futex call.
  for (let seen = 0;;) {
    Atomics.wait(control, CONTROL.start, seen);
    seen = Atomics.load(control, CONTROL.start);
    if (Atomics.load(control, CONTROL.command) === COMMAND.exit) break;
    result[0] = forwardBackward(wasm, plan, plan.regions[1], to - from, scale, plan.grads[1]);
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
  self.close();
};
