/**
 * The fused kernel's forward pass over rows at mixed timesteps, as core/training/evaluation.ts scores
 * checkpoints with it: rows are grouped by t, and each group is one call of the inference engine (which
 * folds t's embedding into a bias). Float32 with separate multiplies and adds (not the relaxed FMA, which
 * fuses on some CPUs and not on others), so a checkpoint scores the same on every machine, within about
 * 1e-6 of the float64 reference. Where WebAssembly SIMD does not compile, the reference pass it is.
 */

import { mlpForward } from "../../core/mlp.js";
import type { NetworkPass } from "../../core/training/evaluation.js";
import { createWasmDenoiser } from "./wasmDenoiser.js";

/** Row indices by schedule index, in order of first appearance. */
function rowsByTimestep(t: Int32Array): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < t.length; i++) {
    const rows = groups.get(t[i]);
    if (rows) rows.push(i);
    else groups.set(t[i], [i]);
  }
  return groups;
}

/** A NetworkPass on the fused kernel; `threads` as for createWasmDenoiser (default: two where possible). */
export function fusedNetworkPass(options: { threads?: 1 | 2 } = {}): NetworkPass {
  return async (params, xt, t, dims) => {
    if (xt.length !== 2 * t.length) throw new RangeError(`xt must hold 2·${t.length} values, got ${xt.length}`);
    // The parameterization only names what the outputs mean; the pass returns them raw.
    let network;
    try {
      network = await createWasmDenoiser(params, { parameterization: "eps", dims, threads: options.threads, fma: false });
    } catch (error) {
      if (error instanceof WebAssembly.CompileError) return mlpForward(params, xt, t, dims);
      throw error;
    }
    try {
      const out = new Float64Array(xt.length);
      for (const [step, rows] of rowsByTimestep(t)) {
        const x = new Float64Array(2 * rows.length);
        rows.forEach((row, k) => {
          x[2 * k] = xt[2 * row];
          x[2 * k + 1] = xt[2 * row + 1];
        });
        const y = network.predict(x, step);
        rows.forEach((row, k) => {
          out[2 * row] = y[2 * k];
          out[2 * row + 1] = y[2 * k + 1];
        });
      }
      return out;
    } finally {
      network.dispose();
    }
  };
}
