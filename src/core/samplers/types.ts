import type { Rng } from "../random.js";

import type { DdpmVariance, FlowSamplerName, SamplerName } from "../settings.js";

export type { DdpmVariance, FlowSamplerName, SamplerName };

export interface SamplerOptions {
  /** DDIM's stochasticity η ∈ [0, 1]: 0 is deterministic, 1 is DDPM with β̃. */
  eta?: number;
  /** DDPM's variance choice (Ho et al. 2020, §3.2). */
  variance?: DdpmVariance;
}

/** One reverse step from schedule index `t` to the previous grid index `prev`. */
export interface SamplerStepInput {
  /** x_t, interleaved points. */
  x: Float64Array;
  /** The model's x̂_0 at (x_t, t), whatever it was trained to predict. */
  x0: Float64Array;
  /** The model's ε̂ at (x_t, t), consistent with x̂_0: x_t = √ᾱ_t x̂_0 + √(1 − ᾱ_t) ε̂. */
  eps: Float64Array;
  /** Schedule index of x_t. */
  t: number;
  /** The actual previous index on the (possibly respaced) grid, −1 for the final step into the data. */
  prev: number;
  /** Source of the step's noise; deterministic samplers leave it untouched. */
  rng: Rng;
}

/**
 * A reverse-process update, diffusers-style. Instances may carry state between steps (multistep
 * solvers), so create one per sampling run. `step` returns a new array and never mutates its input.
 */
export interface Sampler {
  readonly name: SamplerName;
  step(input: SamplerStepInput): Float64Array;
}

/** One step of a flow sampler, from path time `t` down to `next` (1 ≥ t > next ≥ 0). */
export interface FlowStepInput {
  /** x_t, interleaved points. */
  x: Float64Array;
  /** The model's velocity v̂(x_t, t), already evaluated. */
  velocity: Float64Array;
  t: number;
  next: number;
  /** The model's velocity at another (x, t): what a higher-order step evaluates again. */
  field: (x: Float64Array, t: number) => Promise<Float64Array>;
}

/**
 * An ODE solver of a flow model, dx/dt = v̂(x, t), integrated from t = 1 (noise) to t = 0 (data).
 * `step` returns a new array and never mutates its input.
 */
export interface FlowSampler {
  readonly name: FlowSamplerName;
  step(input: FlowStepInput): Promise<Float64Array>;
}
