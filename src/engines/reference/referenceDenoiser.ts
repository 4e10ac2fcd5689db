/**
 * The plain TypeScript engine: a trained network as a Denoiser, on no runtime but JavaScript.
 * It runs BatchedMlp (the reference forward pass of mlp.ts, reordered for speed, same results to ~1e-15)
 * and outputs what the network was trained to output (ε, x_0 or v).
 */

import type { Denoiser } from "../../core/denoiser.js";
import { MLP_DIMS } from "../../core/mlp.js";
import { type Parameterization, PARAMETERIZATIONS } from "../../core/parameterization.js";
import { BatchedMlp } from "./batchedMlp.js";

export interface ReferenceDenoiserOptions {
  /** What the network was trained to predict. */
  parameterization: Parameterization;
  dims?: readonly number[];
}

/** `params` in the layout of mlp.ts (viewed, not copied: leave them unchanged while in use). */
export function createReferenceDenoiser(params: Float32Array, options: ReferenceDenoiserOptions): Denoiser {
  const { parameterization, dims = MLP_DIMS } = options;
  if (!PARAMETERIZATIONS.includes(parameterization)) {
    throw new RangeError(`parameterization must be one of ${PARAMETERIZATIONS.join(", ")}, got ${parameterization}`);
  }
  const mlp = new BatchedMlp(params, dims);
  return { parameterization, predict: (x, t) => mlp.forward(x, t) };
}
