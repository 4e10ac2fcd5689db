/**
 * The second thread of the fused inference engine (wasmDenoiser.ts): it runs the network on the rows
 * each call gives it (kernelThread.ts has the handshake).
 */

import { serveKernelThread } from "./kernelThread.js";
import { CONTROL, forwardRows, type InferencePlan } from "./wasmDenoiser.js";
import type { WasmExports } from "./wasmKernel.js";

serveKernelThread<InferencePlan, WasmExports>((wasm, { plan }, control) => () => {
  const rows = { ...plan, points: Atomics.load(control, CONTROL.points), outputs: Atomics.load(control, CONTROL.outputs) };
  try {
    forwardRows(wasm, rows, 1, Atomics.load(control, CONTROL.from), Atomics.load(control, CONTROL.to));
  } catch {
    Atomics.store(control, CONTROL.failed, 1); // the caller throws; this thread waits for the next call
  }
});
