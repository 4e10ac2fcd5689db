/**
 * DDPM ancestral sampling (Ho et al. 2020, Algorithm 2), written as the posterior q(x_prev | x_t, x̂_0)
 * so that it also holds on a respaced grid (Nichol & Dhariwal 2021, §4).
 *
 * Skipping from t to prev is one step of a shorter diffusion whose coefficients come from ᾱ alone:
 *   β'_t = 1 − ᾱ_t / ᾱ_prev,   α'_t = 1 − β'_t
 *   μ̃ = √ᾱ_prev β'_t / (1 − ᾱ_t) · x̂_0 + √α'_t (1 − ᾱ_prev) / (1 − ᾱ_t) · x_t
 *   σ² = β'_t ("beta") or β̃'_t = β'_t (1 − ᾱ_prev) / (1 − ᾱ_t) ("betaTilde")
 * Using the one-step β_t, α_t of index t instead (as if prev were t − 1) removes only one step's worth
 * of noise per jump and leaves the samples noisy.
 */

import { alphaBarAt, type Schedule } from "../schedule.js";
import { DDPM_VARIANCES, describeRange, SETTINGS } from "../settings.js";
import type { DdpmVariance, Sampler, SamplerStepInput } from "./types.js";

export function assertVariance(variance: DdpmVariance): void {
  if (!DDPM_VARIANCES.includes(variance)) {
    throw new RangeError(`variance must be ${describeRange(SETTINGS.variance)}, got ${variance}`);
  }
}

export class DdpmSampler implements Sampler {
  readonly name = "ddpm";
  readonly #schedule: Schedule;
  readonly #variance: DdpmVariance;

  /** β̃ by default, like diffusers' DDPMScheduler (variance_type="fixed_small"). */
  constructor(schedule: Schedule, variance: DdpmVariance = "betaTilde") {
    assertVariance(variance);
    this.#schedule = schedule;
    this.#variance = variance;
  }

  step({ x, x0, t, prev, rng }: SamplerStepInput): Float64Array {
    const alphaBar = alphaBarAt(this.#schedule, t);
    const alphaBarPrev = alphaBarAt(this.#schedule, prev);
    const beta = 1 - alphaBar / alphaBarPrev;
    const oneMinusAlphaBar = 1 - alphaBar;
    const coefX0 = (Math.sqrt(alphaBarPrev) * beta) / oneMinusAlphaBar;
    const coefXt = (Math.sqrt(1 - beta) * (1 - alphaBarPrev)) / oneMinusAlphaBar;
    // No noise into the data (Algorithm 2's z = 0 at t = 1): the sample is the posterior mean, x̂_0.
    const betaTilde = (beta * (1 - alphaBarPrev)) / oneMinusAlphaBar;
    const sigma = prev < 0 ? 0 : Math.sqrt(this.#variance === "beta" ? beta : betaTilde);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const mean = coefX0 * x0[i] + coefXt * x[i];
      out[i] = sigma > 0 ? mean + sigma * rng.normal() : mean;
    }
    return out;
  }
}
