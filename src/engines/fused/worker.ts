/**
 * The second thread of the two-thread wasm kernel: it runs forward and backward on the second half of
 * each batch (kernelThread.ts has the handshake).
 */

import { MLP_OUTPUT_DIM } from "../../core/mlp.js";
import { serveKernelThread } from "./kernelThread.js";
import { CONTROL, forwardBackward, type MemoryPlan, type WasmExports } from "./wasmKernel.js";

serveKernelThread<MemoryPlan, WasmExports>((wasm, { memory, plan }) => {
  const result = new Float64Array(memory.buffer, plan.control + CONTROL.resultByte, 1);
  const [from, to] = plan.spans[1]; // the second half ends the batch
  // ∂loss/∂output = 2 (output − target) / (2 · whole batch), as on the main thread.
  const scale = 2 / (to * MLP_OUTPUT_DIM);
  return () => {
    try {
      result[0] = forwardBackward(wasm, plan, plan.regions[1], to - from, scale, plan.grads[1]);
    } catch {
      result[0] = NaN; // a non-finite loss: the training loop stops the run as diverged
    }
  };
});
