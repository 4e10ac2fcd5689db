/**
 * The second thread of the fused inference engine (wasmDenoiser.ts): it shares the memory, waits for a
 * start signal, runs the network on the rows it is given and signals completion.
 */

import { COMMAND, CONTROL, forwardRows, type InferencePlan } from "./wasmDenoiser.js";
import type { WasmExports } from "./wasmKernel.js";

interface Setup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  plan: InferencePlan;
}

self.onmessage = async (event: MessageEvent<Setup>) => {
  const { module, memory, plan } = event.data;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const wasm = instance.exports as unknown as WasmExports;
  const control = new Int32Array(memory.buffer, plan.control, 8);
  self.postMessage("ready");
  // Blocking here is allowed (a worker) and keeps the wake-up latency to a futex call.
  for (let seen = 0;;) {
    Atomics.wait(control, CONTROL.start, seen);
    seen = Atomics.load(control, CONTROL.start);
    if (Atomics.load(control, CONTROL.command) === COMMAND.exit) break;
    const rows = { ...plan, points: Atomics.load(control, CONTROL.points), outputs: Atomics.load(control, CONTROL.outputs) };
    try {
      forwardRows(wasm, rows, 1, Atomics.load(control, CONTROL.from), Atomics.load(control, CONTROL.to));
    } catch {
      Atomics.store(control, CONTROL.failed, 1); // the caller throws; this thread waits for the next call
    }
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
  self.close();
};
