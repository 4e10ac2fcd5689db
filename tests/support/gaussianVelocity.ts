/**
 * The exact flow-matching velocity for isotropic Gaussian data x₀ ~ N(μ, σ²I) on the linear path
 * x_t = (1 − t) x₀ + t ε.
 *
 * x_t ~ N((1 − t) μ, D I) with D = (1 − t)² σ² + t², Cov(x₀, x_t) = (1 − t) σ² I and Cov(ε, x_t) = t I, so
 * with d = x_t − (1 − t) μ, Gaussian conditioning gives
 *   E[x₀ | x_t] = μ + (1 − t) σ² d / D,   E[ε | x_t] = t d / D,
 *   v(x_t, t)   = E[ε − x₀ | x_t] = −μ + (t − (1 − t) σ²) d / D.
 * The field is affine in x, and its ODE maps x_1 to x_t = (1 − t) μ + √D x_1 (D(1) = 1): the exact sample
 * of x_1 is μ + σ x_1.
 */

import type { Denoiser } from "../../src/core/denoiser.js";
import { FLOW_TIME_SCALE } from "../../src/core/flow/time.js";

export interface IsotropicGaussian {
  mean: [number, number];
  sigma: number;
}

/** v(x, t) for every point of x at path time t ∈ (0, 1]. */
export function gaussianVelocity({ mean, sigma }: IsotropicGaussian, x: Float64Array, t: number): Float64Array {
  const s2 = sigma * sigma;
  const D = (1 - t) ** 2 * s2 + t * t;
  const gain = (t - (1 - t) * s2) / D;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const mu = mean[i % 2];
    out[i] = -mu + gain * (x[i] - (1 - t) * mu);
  }
  return out;
}

/** The closed form as a flow model's Denoiser: predict(x, τ) at t = τ / 1000. */
export function gaussianVelocityDenoiser(g: IsotropicGaussian): Denoiser {
  return { parameterization: "eps", objective: "flow-matching", predict: (x, tau) => gaussianVelocity(g, x, tau / FLOW_TIME_SCALE) };
}

/** Where the exact flow takes x_1: μ + σ x_1. */
export function gaussianFlowEnd({ mean, sigma }: IsotropicGaussian, x1: Float64Array): Float64Array {
  return Float64Array.from(x1, (value, i) => mean[i % 2] + sigma * value);
}
