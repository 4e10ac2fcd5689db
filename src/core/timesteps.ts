/**
 * The grid of schedule indices a sampler visits, "trailing" spacing (Lin et al. 2024, table 2;
 * diffusers' `timestep_spacing="trailing"`): round(arange(T, 0, −T/steps)) − 1.
 *
 * It always starts at T − 1, so the first step sees pure noise at the schedule's own ᾱ_T, and the
 * remaining indices are evenly spaced below it. The final step goes from the last entry to the clean
 * data (index −1, ᾱ = 1).
 */

import { TIMESTEP_SPACINGS, type TimestepSpacing } from "./settings.js";

/**
 * The decreasing schedule indices visited with `steps` sampling steps out of `T`.
 * T = 1000, steps = 10 → [999, 899, …, 99]; steps = T → [T − 1, …, 0]; steps = 1 → [T − 1].
 */
export function timestepGrid(T: number, steps: number): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new RangeError(`steps must be an integer from 1 to T (${T}), got ${steps}`);
  }
  // numpy.arange fills start + i·δ with δ = (start + step) − start, not step itself; repeating that
  // arithmetic gives diffusers' grid exactly, ties included (T = 7, steps = 6 → 6, 5, 4, 2, 1, 0).
  // Exactly `steps` entries: numpy's ceil-length can append a spurious −1 after rounding error.
  const delta = T - T / steps - T;
  const grid = new Array<number>(steps);
  for (let i = 0; i < steps; i++) grid[i] = roundHalfToEven(T + i * delta) - 1;
  return grid;
}

/** numpy.round: halves go to the even neighbour. */
function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export { TIMESTEP_SPACINGS, type TimestepSpacing };

/**
 * "logsnr" spacing (Lu et al. 2022, DPM-Solver §3.3): steps + 1 points evenly spaced in ln SNR from
 * the noisiest index T − 1 to the cleanest, index 0; the sampler visits the first `steps` and its final
 * step goes from the last of them to the data. Few-step samplers then spend their steps where the data
 * takes shape instead of one long last jump from ᾱ ≈ 0.9 to the data. `logSnr` is the schedule's
 * (decreasing) ln SNR per index; each target snaps to the nearest index, kept strictly decreasing.
 */
export function logSnrGrid(logSnr: ArrayLike<number>, steps: number): number[] {
  const T = logSnr.length;
  timestepGrid(T, steps); // validates T and steps
  const top = logSnr[T - 1];
  const bottom = logSnr[0];
  const grid: number[] = [];
  let index = T - 1;
  for (let k = 0; k < steps; k++) {
    const target = top + (k / steps) * (bottom - top);
    // Walk down while the next index is nearer the target; leave room for the entries still to come.
    const floor = steps - 1 - k;
    let best = k === 0 ? T - 1 : Math.min(index - 1, T - 1);
    while (best - 1 >= floor && Math.abs(logSnr[best - 1] - target) <= Math.abs(logSnr[best] - target)) best--;
    index = Math.max(best, floor);
    grid.push(index);
  }
  return grid;
}
