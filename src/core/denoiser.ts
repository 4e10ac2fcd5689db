import type { Parameterization } from "./parameterization.js";
import type { Objective } from "./settings.js";

/**
 * Anything that maps a noisy batch to a model output: the exact oracle, a Gaussian closed form,
 * or a trained network behind an inference engine.
 *
 * Points are interleaved: x = [x_0, y_0, x_1, y_1, …]. `t` is the network's time input: for DDPM a
 * schedule index (0 = the paper's t = 1), for flow matching τ = 1000·t (flow/time.ts). Engines that run
 * asynchronously (onnxruntime) return a promise; samplers await either.
 */
export interface Denoiser {
  /**
   * What a DDPM model predicts (ε, x_0 or v). A flow-matching model always outputs the velocity ε − x₀;
   * its parameterization is the config's "eps" and means nothing.
   */
  readonly parameterization: Parameterization;
  /** What the model was trained for; absent means "ddpm". It decides which samplers may run it. */
  readonly objective?: Objective;
  predict(x: Float64Array, t: number): Float64Array | Promise<Float64Array>;
}
