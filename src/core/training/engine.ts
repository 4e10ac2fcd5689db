/**
 * What a training engine does: one optimizer step on a prepared batch. The training loop (train.ts)
 * draws every batch itself, so the data stream is the same whichever engine runs it.
 */

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
