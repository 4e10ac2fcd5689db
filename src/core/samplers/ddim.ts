/**
 * DDIM (Song et al. 2021, eq. 12), on any grid since it only needs ᾱ_t and ᾱ_prev:
 *   x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε̂ + σ z,
 *   σ = η √((1 − ᾱ_prev) / (1 − ᾱ_t)) √(1 − ᾱ_t / ᾱ_prev)   (eq. 16)
 * η = 0 is the deterministic probability-flow-like map; η = 1 gives σ² = β̃'_t, and then the update is
 * algebraically DDPM's posterior step with β̃.
 */

import { checkSetting, SETTINGS } from "../settings.js";
import { alphaBarAt, type Schedule } from "../schedule.js";
import type { Sampler, SamplerStepInput } from "./types.js";

export function assertEta(eta: number): void {
  checkSetting("eta", SETTINGS.eta, eta);
}

export class DdimSampler implements Sampler {
  readonly name = "ddim";
  readonly #schedule: Schedule;
  readonly #eta: number;

  constructor(schedule: Schedule, eta = 0) {
    assertEta(eta);
    this.#schedule = schedule;
    this.#eta = eta;
  }

  step({ x0, eps, t, prev, rng }: SamplerStepInput): Float64Array {
    const alphaBar = alphaBarAt(this.#schedule, t);
    const alphaBarPrev = alphaBarAt(this.#schedule, prev);
    const variance = ((1 - alphaBarPrev) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrev);
    const sigma = this.#eta * Math.sqrt(variance);
    const a = Math.sqrt(alphaBarPrev);
    const b = Math.sqrt(1 - alphaBarPrev - sigma * sigma);
    const out = new Float64Array(x0.length);
    for (let i = 0; i < out.length; i++) {
      const direction = a * x0[i] + b * eps[i];
      out[i] = sigma > 0 ? direction + sigma * rng.normal() : direction;
    }
    return out;
  }
}
