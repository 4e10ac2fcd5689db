/**
 * DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2), following diffusers' DPMSolverMultistepScheduler with
 * algorithm_type="dpmsolver++", solver_type="midpoint", final_sigmas_type="zero".
 *
 * In log-SNR λ = log(α/σ), with α = √ᾱ, σ = √(1 − ᾱ) and h = λ_prev − λ_t, the exact solution of the
 * probability-flow ODE in data prediction is x_prev = (σ_prev/σ_t) x_t + α_prev ∫ e^{−(λ_prev−λ)} x̂_0(λ) dλ.
 * Holding x̂_0 constant gives the first-order step (= DDIM with η = 0):
 *   x_prev = (σ_prev/σ_t) x_t − α_prev (e^{−h} − 1) D0,                 D0 = x̂_0(t)
 * and a linear extrapolation through the previous step's x̂_0 (at λ_{t'}) the second-order one:
 *   x_prev = (σ_prev/σ_t) x_t − α_prev (e^{−h} − 1) (D0 + D1/2),        D1 = (D0 − x̂_0(t')) h / (λ_t − λ_{t'})
 * The first step has no history, so it is first order. The final step into the data has λ_prev = +∞,
 * σ_prev = 0, α_prev = 1, e^{−h} = 0: it is taken at first order, where it is exactly x̂_0.
 */

import type { Schedule } from "../schedule.js";
import type { Sampler, SamplerStepInput } from "./types.js";

export class DpmSolverPlusPlusSampler implements Sampler {
  readonly name = "dpm-solver++";
  readonly #schedule: Schedule;
  /** x̂_0 and λ from the previous step: the multistep history. */
  #previous: { x0: Float64Array; lambda: number } | undefined;

  constructor(schedule: Schedule) {
    this.#schedule = schedule;
  }

  step({ x, x0, t, prev }: SamplerStepInput): Float64Array {
    if (prev < 0) {
      this.#previous = undefined;
      return Float64Array.from(x0);
    }
    const { sqrtAlphaBars, sqrtOneMinusAlphaBars, logSnr } = this.#schedule;
    const lambda = logSnr[t] / 2;
    const h = logSnr[prev] / 2 - lambda;
    const ratio = sqrtOneMinusAlphaBars[prev] / sqrtOneMinusAlphaBars[t];
    // −α_prev (e^{−h} − 1), with expm1 for the small h of fine grids.
    const c = -sqrtAlphaBars[prev] * Math.expm1(-h);
    const out = new Float64Array(x.length);
    const previous = this.#previous;
    if (previous === undefined) {
      for (let i = 0; i < out.length; i++) out[i] = ratio * x[i] + c * x0[i];
    } else {
      const halfOverR = (0.5 * h) / (lambda - previous.lambda); // ½ · 1/r0, r0 = h_0 / h
      const x0Previous = previous.x0;
      for (let i = 0; i < out.length; i++) {
        out[i] = ratio * x[i] + c * (x0[i] + halfOverR * (x0[i] - x0Previous[i]));
      }
    }
    this.#previous = { x0, lambda };
    return out;
  }
}
