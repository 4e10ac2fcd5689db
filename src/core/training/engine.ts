/**
 * What a training engine is, whichever library runs it: one optimizer step on a prepared batch, built
 * from the same options and checked the same way. The training loop (train.ts) draws every batch itself,
 * so the data stream is the same whichever engine runs it.
 */

import { initMlpParams, MLP_DIMS, MLP_INPUT_DIM, MLP_OUTPUT_DIM } from "../mlp.js";

/** One batch, already noised: B points at schedule indices t, with the parameterization's target. */
export interface TrainBatch {
  /** x_t, interleaved, 2B values. */
  xt: Float32Array;
  /** Schedule index of each point (0 … T−1), B values. */
  t: Int32Array;
  /** What the network should output: ε, x_0 or v (2B values). */
  target: Float32Array;
}

export interface TrainEngine {
  /** What runs the step, reported to the user: e.g. "tfjs-wasm", "fused-wasm-simd". */
  readonly name: string;
  /** One Adam step at learning rate `lr` on the batch; resolves to the batch's mean squared error. */
  step(batch: TrainBatch, lr: number): number | Promise<number>;
  /** The current parameters in the flat MLP layout of src/core/mlp.ts (a copy). */
  params(): Float32Array | Promise<Float32Array>;
  /** Frees what the engine holds (tensors, workers). */
  dispose(): void | Promise<void>;
}

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Kingma & Ba's defaults with the project's learning rate. */
export const DEFAULT_ADAM: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

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

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65536) {
    throw new RangeError(`batchSize must be an integer from 1 to 65536, got ${batchSize}`);
  }
}

/** Engines train the network of core/mlp.ts: input [x, y, e(t)], any hidden widths, 2 outputs. */
export function checkDims(dims: readonly number[]): void {
  const ok = dims.length >= 3 && dims[0] === MLP_INPUT_DIM && dims[dims.length - 1] === MLP_OUTPUT_DIM &&
    dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 4096);
  if (!ok) {
    throw new RangeError(
      `dims must be [${MLP_INPUT_DIM}, …hidden widths from 1 to 4096, ${MLP_OUTPUT_DIM}] with at least one hidden layer, got [${dims.join(", ")}]`,
    );
  }
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
