/**
 * Which timesteps the staircase shows. Times are the paper's t: 0 is the clean data x_0, T the last step.
 *
 * Evenly spaced in t wastes rungs on a linear schedule: on the DDPM schedule (linear, T = 1000) ᾱ_t
 * is below 0.05 from t = 543 on, and every later rung looks the same. Evenly spaced in ᾱ_t (the share of the data's variance still in x_t), each
 * rung loses the same amount of signal. Evenly spaced in the noise level σ_t = √(1 − ᾱ_t), the standard
 * deviation of the noise in x_t, puts more rungs early, where the data's fine structure (the spiral's
 * arms are 0.75 apart) is still being washed out: that shows the burial most gradually.
 */

import type { Schedule } from "../core/schedule.js";

export const RUNG_SPACINGS = ["sigma", "alphaBar", "t"] as const;
export type RungSpacing = (typeof RUNG_SPACINGS)[number];

/** ᾱ at paper time t (0 … T); ᾱ_0 = 1. */
export function alphaBarOf(schedule: Schedule, t: number): number {
  return t === 0 ? 1 : schedule.alphaBars[t - 1];
}

/**
 * `count` rungs from t = 0 to t = T, in increasing t (repeats removed, so a very short schedule has fewer).
 *   "t":        t_k = round(k T / (count − 1))
 *   "alphaBar": t_k = the first t with ᾱ_t ≤ 1 − k / (count − 1); the last rung is T.
 *   "sigma":    t_k = the first t with √(1 − ᾱ_t) ≥ k / (count − 1), i.e. ᾱ_t ≤ 1 − (k / (count − 1))²;
 *               the last rung is T.
 */
export function rungTimes(schedule: Schedule, count: number, spacing: RungSpacing): number[] {
  if (!Number.isInteger(count) || count < 2 || count > 100) {
    throw new RangeError(`count must be an integer from 2 to 100, got ${count}`);
  }
  if (!RUNG_SPACINGS.includes(spacing)) {
    throw new RangeError(`spacing must be one of ${RUNG_SPACINGS.join(", ")}, got ${spacing}`);
  }
  const T = schedule.T;
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    if (spacing === "t") {
      times.push(Math.round((k * T) / (count - 1)));
      continue;
    }
    if (k === count - 1) {
      times.push(T);
      continue;
    }
    const fraction = k / (count - 1);
    const target = spacing === "alphaBar" ? 1 - fraction : 1 - fraction * fraction;
    // ᾱ_t decreases with t: the first t at or below the target. Linear scan, T ≤ 100,000.
    let t = 0;
    while (t < T && alphaBarOf(schedule, t) > target) t++;
    times.push(t);
  }
  return [...new Set(times)];
}
