/**
 * What a fused training kernel does: forward pass, backward pass and Adam for the MLP of core/mlp.ts,
 * on a staged batch, without any tensor library. Two implementations: jsKernel.ts (plain TypeScript,
 * runs anywhere) and wasmKernel.ts (WebAssembly SIMD, optionally on two threads).
 */

import type { AdamOptions } from "../../core/training/engine.js";

export interface TrainKernel {
  readonly name: string;
  readonly batchSize: number;
  /** Layer widths, [34, …hidden, 2] (core/mlp.ts). */
  readonly dims: readonly number[];
  /** Staged network inputs, batchSize × 34 row-major: fill before computeGradient. */
  readonly inputs: Float32Array;
  /** Staged targets, batchSize × 2. */
  readonly targets: Float32Array;
  /** Forward and backward over the staged batch; returns the loss, the mean of (output − target)². */
  computeGradient(): number;
  /** A copy of the last gradient of the loss, in the flat layout of core/mlp.ts. */
  gradient(): Float32Array;
  /** One Adam update with the last gradient; `k` counts updates from 1 (for the bias corrections). */
  adamStep(k: number, adam: AdamOptions): void;
  /** A copy of the parameters, in the flat layout of core/mlp.ts. */
  params(): Float32Array;
  /** Replaces the parameters and zeroes Adam's moments. */
  setParams(params: Float32Array): void;
  /** Frees workers; the kernel is unusable afterwards. */
  dispose(): void;
}

export function checkAdamStep(k: number, adam: AdamOptions): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!(adam.lr > 0)) throw new RangeError(`lr must be positive, got ${adam.lr}`);
  if (!(adam.beta1 >= 0 && adam.beta1 < 1)) throw new RangeError(`beta1 must be in [0, 1), got ${adam.beta1}`);
  if (!(adam.beta2 >= 0 && adam.beta2 < 1)) throw new RangeError(`beta2 must be in [0, 1), got ${adam.beta2}`);
  if (!(adam.epsilon > 0)) throw new RangeError(`epsilon must be positive, got ${adam.epsilon}`);
}
