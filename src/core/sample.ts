/**
 * The sampling loop: draw x_T, then walk the timestep grid, asking the denoiser for its prediction at
 * each index and handing it to the sampler.
 *
 * Randomness: one Rng(seed) stream. x_T (2n normals) comes first, whatever the sampler or the step
 * count, so runs that differ only in those start from the same noise; the sampler's own noise follows.
 */

import type { Denoiser } from "./denoiser.js";
import { toPrediction } from "./parameterization.js";
import { Rng } from "./random.js";
import { createSampler, type DdpmVariance, type SamplerName } from "./samplers/index.js";
import { alphaBarAt, type Schedule } from "./schedule.js";
import { checkSetting, SETTINGS } from "./settings.js";
import { logSnrGrid, TIMESTEP_SPACINGS, type TimestepSpacing, timestepGrid } from "./timesteps.js";


export interface SampleOptions {
  schedule: Schedule;
  denoiser: Denoiser;
  sampler: SamplerName;
  /** Number of denoiser calls, 1…T; fewer than T respaces the grid (see timesteps.ts). */
  steps: number;
  /**
   * Clamp each coordinate of x̂_0 to [−clipX0, clipX0] and recompute ε̂ from it (diffusers' clip_sample).
   * Off by default. ε-prediction divides by √ᾱ_t, so where ᾱ_t ≈ 0 (the cosine schedule's last steps,
   * ᾱ_T ≈ 2e-9) a small error in ε̂ becomes a huge x̂_0, and a few-step sampler jumps straight to it.
   */
  clipX0?: number;
  /** How a respaced grid is laid out: "trailing" (default, even in t) or "logsnr" (even in ln SNR). */
  spacing?: TimestepSpacing;
  /** Number of 2D points. */
  n: number;
  seed: number;
  /** DDIM's η ∈ [0, 1]. */
  eta?: number;
  /** DDPM's variance. */
  variance?: DdpmVariance;
  /** Keep every intermediate state and prediction. */
  trajectory?: boolean;
  /**
   * Start from this x_T instead of the drawn one. The 2n normals are still drawn, so the sampler's
   * noise is the same as without it, and passing back a result's xT reproduces the run.
   */
  xT?: Float64Array;
  /** Checked before and after every denoiser call; an aborted run rejects with signal.reason (an AbortError by default). */
  signal?: AbortSignal;
  /** After each step, with the points it reached (a fresh array each step: keep it, do not change it). */
  onStep?: (done: number, total: number, x: Float64Array) => void;
}

export interface SampleResult {
  sampler: SamplerName;
  steps: number;
  /** The schedule indices visited, in order. */
  timesteps: number[];
  xT: Float64Array;
  samples: Float64Array;
  /** xt[k] is the state before step k, x0[k] the denoiser's x̂_0 at step k. */
  trajectory?: { xt: Float64Array[]; x0: Float64Array[] };
}

export async function sample(options: SampleOptions): Promise<SampleResult> {
  const { schedule, denoiser, steps, n, seed, signal, onStep, clipX0 } = options;
  if (clipX0 !== undefined) checkSetting("clipX0", SETTINGS.clipX0, clipX0);
  checkSetting("n", SETTINGS.sampleCount, n);
  if (options.xT !== undefined && options.xT.length !== 2 * n) {
    throw new RangeError(`xT must have length 2n = ${2 * n}, got ${options.xT.length}`);
  }
  const spacing = options.spacing ?? "trailing";
  if (!TIMESTEP_SPACINGS.includes(spacing)) {
    throw new RangeError(`spacing must be one of ${TIMESTEP_SPACINGS.join(", ")}, got ${spacing}`);
  }
  const timesteps = spacing === "logsnr" ? logSnrGrid(schedule.logSnr, steps) : timestepGrid(schedule.T, steps);
  const sampler = createSampler(options.sampler, schedule, { eta: options.eta, variance: options.variance });

  const rng = new Rng(seed);
  const drawn = rng.normals(2 * n);
  const xT = options.xT === undefined ? drawn : Float64Array.from(options.xT);
  const trajectory = options.trajectory ? { xt: [] as Float64Array[], x0: [] as Float64Array[] } : undefined;

  let x = xT;
  for (let k = 0; k < steps; k++) {
    signal?.throwIfAborted();
    const t = timesteps[k];
    const prev = k + 1 < steps ? timesteps[k + 1] : -1;
    const output = await denoiser.predict(x, t);
    signal?.throwIfAborted(); // an async denoiser may have taken a while
    const alphaBar = alphaBarAt(schedule, t);
    const { x0, eps } = toPrediction(denoiser.parameterization, output, x, alphaBar);
    if (clipX0 !== undefined) clipPrediction(x0, eps, x, alphaBar, clipX0);
    if (trajectory) {
      trajectory.xt.push(x);
      trajectory.x0.push(x0);
    }
    // Samplers return fresh arrays, so the trajectory can keep references.
    x = sampler.step({ x, x0, eps, t, prev, rng });
    onStep?.(k + 1, steps, x);
  }
  return { sampler: sampler.name, steps, timesteps, xT, samples: x, ...(trajectory && { trajectory }) };
}

/** Clamps x̂_0 in place and makes ε̂ consistent with it: ε̂ = (x_t − √ᾱ x̂_0) / √(1 − ᾱ). */
function clipPrediction(x0: Float64Array, eps: Float64Array, xt: Float64Array, alphaBar: number, limit: number): void {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  for (let i = 0; i < x0.length; i++) {
    const clipped = Math.min(limit, Math.max(-limit, x0[i]));
    if (clipped !== x0[i]) {
      x0[i] = clipped;
      eps[i] = (xt[i] - a * clipped) / s;
    }
  }
}
