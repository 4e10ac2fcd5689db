/**
 * What a fused training kernel does: forward pass, backward pass and Adam for the MLP of core/mlp.ts,
 * on a staged batch, without any tensor library. Two implementations: jsKernel.ts (plain TypeScript,
 * runs anywhere) and wasmKernel.ts (WebAssembly SIMD, optionally on two threads).
 */

import { initMlpParams, MLP_DIMS, MLP_INPUT_DIM, MLP_OUTPUT_DIM } from "../../core/mlp.js";
import type { TrainBatch } from "../../core/training/engine.js";

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Kingma & Ba's defaults with the project's learning rate. */
export const DEFAULT_ADAM: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

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

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65536) {
    throw new RangeError(`batchSize must be an integer from 1 to 65536, got ${batchSize}`);
  }
}

/** The kernels train the network of core/mlp.ts: input [x, y, e(t)], any hidden widths, 2 outputs. */
export function checkDims(dims: readonly number[]): void {
  const ok = dims.length >= 3 && dims[0] === MLP_INPUT_DIM && dims[dims.length - 1] === MLP_OUTPUT_DIM &&
    dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 4096);
  if (!ok) {
    throw new RangeError(
      `dims must be [${MLP_INPUT_DIM}, …hidden widths from 1 to 4096, ${MLP_OUTPUT_DIM}] with at least one hidden layer, got [${dims.join(", ")}]`,
    );
  }
}

export function checkAdamStep(k: number, adam: AdamOptions): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!(adam.lr > 0)) throw new RangeError(`lr must be positive, got ${adam.lr}`);
  if (!(adam.beta1 >= 0 && adam.beta1 < 1)) throw new RangeError(`beta1 must be in [0, 1), got ${adam.beta1}`);
  if (!(adam.beta2 >= 0 && adam.beta2 < 1)) throw new RangeError(`beta2 must be in [0, 1), got ${adam.beta2}`);
  if (!(adam.epsilon > 0)) throw new RangeError(`epsilon must be positive, got ${adam.epsilon}`);
}

/** What every training engine (fused or tfjs) is built from. */
export interface EngineOptions {
  /** Points per step; every TrainBatch given to step() must have exactly this many. */
  batchSize: number;
  /** Layer widths (default MLP_DIMS, 34-128-128-128-2). */
  dims?: readonly number[];
  /** Initial parameters in the flat layout of core/mlp.ts (default initMlpParams(seed, dims)). */
  params?: Float32Array;
  /** Seeds the initial parameters when `params` is not given (default 0). */
  seed?: number;
  /** Adam's β1, β2, ε (the learning rate comes with each step). */
  adam?: Partial<Omit<AdamOptions, "lr">>;
}

export function resolveEngineOptions(options: EngineOptions): { dims: readonly number[]; params: Float32Array; adam: AdamOptions } {
  checkBatchSize(options.batchSize);
  const dims = options.dims ?? MLP_DIMS;
  checkDims(dims);
  const params = options.params ?? initMlpParams(options.seed ?? 0, dims);
  return { dims, params, adam: { ...DEFAULT_ADAM, ...options.adam } };
}

export function checkTrainBatch(batch: TrainBatch, batchSize: number): void {
  if (batch.t.length !== batchSize || batch.xt.length !== 2 * batchSize || batch.target.length !== 2 * batchSize) {
    throw new RangeError(
      `batch must hold ${batchSize} points (t: ${batchSize}, xt and target: ${2 * batchSize} values), got t: ${batch.t.length}`,
    );
  }
}
