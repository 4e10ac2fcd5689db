/**
 * One DDPM reverse step, t → t − 1, written out number by number for a single point (Ho et al. 2020,
 * Algorithm 2, in its posterior form):
 *   (1) x̂_0 from the prediction                    (given)
 *   (2) μ̃ = coefX0 · x̂_0 + coefXt · x_t,   coefX0 = β_t √ᾱ_{t−1} / (1 − ᾱ_t),  coefXt = √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t)
 *   (3) σ_t = √β̃_t (β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t)) or √β_t
 *   (4) x_{t−1} = μ̃ + σ_t z,   z ~ N(0, I), and z = 0 on the last step (t = 1), which lands on the mean.
 * It is the DdpmSampler's update on the full grid (prev = t − 1), kept apart so a page can show it.
 *
 * `t` is a schedule index (0 = the paper's t = 1), as everywhere in src/core.
 */

import { assertVariance } from "./samplers/ddpm.js";
import type { DdpmVariance } from "./samplers/types.js";
import { alphaBarAt, type Schedule } from "./schedule.js";

export interface ReverseStepNumbers {
  /** Schedule index of x_t. */
  t: number;
  beta: number;
  /** α_t = 1 − β_t */
  alpha: number;
  alphaBar: number;
  /** ᾱ_{t−1}; 1 before the first step. */
  alphaBarPrev: number;
  coefX0: number;
  coefXt: number;
  xt: number[];
  x0: number[];
  /** μ̃, the posterior mean. */
  mean: number[];
  variance: DdpmVariance;
  sigma: number;
  /** The noise actually added: the given z, or zeros on the last step. */
  z: number[];
  /** x_{t−1} = μ̃ + σ_t z. */
  xPrev: number[];
}

/** The reverse step of one point x_t with prediction x̂_0 and noise draw z (all of one length). */
export function reverseStepNumbers(
  schedule: Schedule,
  t: number,
  xt: ArrayLike<number>,
  x0: ArrayLike<number>,
  z: ArrayLike<number>,
  variance: DdpmVariance = "betaTilde",
): ReverseStepNumbers {
  if (!Number.isInteger(t) || t < 0 || t >= schedule.T) {
    throw new RangeError(`t must be an integer from 0 to ${schedule.T - 1}, got ${t}`);
  }
  assertVariance(variance);
  if (x0.length !== xt.length || z.length !== xt.length) {
    throw new RangeError(`x0 and z must have the length of xt (${xt.length}), got ${x0.length} and ${z.length}`);
  }
  const coefX0 = schedule.posteriorMeanCoefX0[t];
  const coefXt = schedule.posteriorMeanCoefXt[t];
  // β̃_1 = 0 already; Algorithm 2 also drops z at t = 1 when the variance is β.
  const last = t === 0;
  const sigma = last ? 0 : Math.sqrt(variance === "beta" ? schedule.betas[t] : schedule.posteriorVariance[t]);
  const mean = Array.from(xt, (x, i) => coefX0 * x0[i] + coefXt * x);
  const added = Array.from(z, (value) => (last ? 0 : value));
  return {
    t,
    beta: schedule.betas[t],
    alpha: schedule.alphas[t],
    alphaBar: schedule.alphaBars[t],
    alphaBarPrev: alphaBarAt(schedule, t - 1),
    coefX0,
    coefXt,
    xt: Array.from(xt),
    x0: Array.from(x0),
    mean,
    variance,
    sigma,
    z: added,
    xPrev: mean.map((m, i) => m + sigma * added[i]),
  };
}
