import type { Parameterization } from "./parameterization.js";

/**
 * Anything that maps a noisy batch to a model output: the exact oracle, a Gaussian closed form,
 * or a trained network behind an inference engine.
 *
 * Points are interleaved: x = [x_0, y_0, x_1, y_1, …]. `t` is a schedule index (0 = the paper's t = 1).
 * Engines that run asynchronously (onnxruntime) return a promise; samplers await either.
 */
export interface Denoiser {
  readonly parameterization: Parameterization;
  predict(x: Float64Array, t: number): Float64Array | Promise<Float64Array>;
}
