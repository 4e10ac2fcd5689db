/**
 * The sampling loop: draw x_T, then walk the time grid, asking the denoiser for its prediction at each
 * time and handing it to the sampler. A DDPM model walks its schedule's indices with a DDPM sampler; a
 * flow-matching model (denoiser.objective) integrates its velocity from t = 1 to 0 with a flow sampler.
 *
 * Randomness: one Rng(seed) stream. x_T (2n normals) comes first, whatever the objective, the sampler or
 * the step count, so runs that differ only in those start from the same noise; the sampler's own noise follows.
 */

import type { Denoiser } from "./denoiser.js";
import { flowDataPrediction } from "./flow/path.js";
import { flowNetworkTime, flowTimeGrid } from "./flow/time.js";
import { toPrediction } from "./parameterization.js";
import { Rng } from "./random.js";
import {
  checkSamplerFor,
  createFlowSampler,
  createSampler,
  type DdpmVariance,
  type FlowSamplerName,
  type SamplerName,
} from "./samplers/index.js";
import { alphaBarAt, type Schedule } from "./schedule.js";
import { checkSetting, SETTINGS } from "./settings.js";
import { logSnrGrid, TIMESTEP_SPACINGS, type TimestepSpacing, timestepGrid } from "./timesteps.js";

export interface SampleOptions {
  /** The DDPM model's noise schedule; a flow-matching model has none. */
  schedule?: Schedule;
  denoiser: Denoiser;
  /** A sampler of the denoiser's objective (samplers/index.ts, samplersFor). */
  sampler: SamplerName | FlowSamplerName;
  /**
   * DDPM: number of denoiser calls, 1…T; fewer than T respaces the grid (see timesteps.ts). Flow
   * matching: steps on the uniform grid t = 1, 1 − 1/N, …, 0 (Heun evaluates twice per step).
   */
  steps: number;
  /**
   * Clamp each coordinate of x̂_0 to [−clipX0, clipX0] and recompute ε̂ from it (diffusers' clip_sample).
   * Off by default. ε-prediction divides by √ᾱ_t, so where ᾱ_t ≈ 0 (the cosine schedule's last steps,
   * ᾱ_T ≈ 2e-9) a small error in ε̂ becomes a huge x̂_0, and a few-step sampler jumps straight to it.
   */
  clipX0?: number;
  /**
   * How a respaced DDPM grid is laid out: "trailing" (default, even in t) or "logsnr" (even in ln SNR).
   * This, clipX0, eta and variance are DDPM's: a flow model refuses each when given (checkFlowOptions).
   */
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
  sampler: SamplerName | FlowSamplerName;
  steps: number;
  /** The times visited, in order: schedule indices (DDPM) or path times t ∈ (0, 1] (flow matching). */
  timesteps: number[];
  xT: Float64Array;
  samples: Float64Array;
  /** xt[k] is the state before step k, x0[k] the denoiser's x̂_0 at step k. */
  trajectory?: { xt: Float64Array[]; x0: Float64Array[] };
}

export async function sample(options: SampleOptions): Promise<SampleResult> {
  const { denoiser, n, clipX0 } = options;
  const objective = denoiser.objective ?? "ddpm";
  checkSamplerFor(objective, options.sampler);
  if (clipX0 !== undefined) checkSetting("clipX0", SETTINGS.clipX0, clipX0);
  checkSetting("n", SETTINGS.sampleCount, n);
  if (options.xT !== undefined && options.xT.length !== 2 * n) {
    throw new RangeError(`xT must have length 2n = ${2 * n}, got ${options.xT.length}`);
  }
  const spacing = options.spacing ?? "trailing";
  if (!TIMESTEP_SPACINGS.includes(spacing)) {
    throw new RangeError(`spacing must be one of ${TIMESTEP_SPACINGS.join(", ")}, got ${spacing}`);
  }
  return objective === "flow-matching" ? sampleFlow(options) : sampleDdpm(options);
}

/** The options of a DDPM model's sampling, each with why a flow-matching model takes none. */
const DDPM_ONLY_OPTIONS = {
  clipX0: "a flow-matching model predicts a velocity, not x̂₀",
  spacing: "flow samplers step evenly in t",
  eta: "flow samplers add no noise",
  variance: "flow samplers add no noise",
} as const;
export type DdpmOnlyOption = keyof typeof DDPM_ONLY_OPTIONS;

/**
 * Refuses, in one line, any DDPM-only option given for a flow-matching model (given means not
 * undefined, whatever the value): it would be ignored. `name` is how the caller spells an option (the
 * CLI's flags); by default its name in SampleOptions.
 */
export function checkFlowOptions(options: Pick<SampleOptions, DdpmOnlyOption>, name: (option: DdpmOnlyOption) => string = (option) => option): void {
  const given = (Object.keys(DDPM_ONLY_OPTIONS) as DdpmOnlyOption[]).find((option) => options[option] !== undefined);
  if (given) throw new RangeError(`${name(given)} applies to ddpm models only: ${DDPM_ONLY_OPTIONS[given]}`);
}

/** x_T as sample() documents it: the stream's first 2n normals, or the given start (the normals still drawn). */
function startingPoint(options: SampleOptions): { rng: Rng; xT: Float64Array } {
  const rng = new Rng(options.seed);
  const drawn = rng.normals(2 * options.n);
  return { rng, xT: options.xT === undefined ? drawn : Float64Array.from(options.xT) };
}

async function sampleDdpm(options: SampleOptions): Promise<SampleResult> {
  const { denoiser, steps, signal, onStep, clipX0 } = options;
  const schedule = options.schedule;
  if (schedule === undefined) throw new RangeError("schedule is required to sample a ddpm model");
  const timesteps = options.spacing === "logsnr" ? logSnrGrid(schedule.logSnr, steps) : timestepGrid(schedule.T, steps);
  const sampler = createSampler(options.sampler as SamplerName, schedule, { eta: options.eta, variance: options.variance });
  const { rng, xT } = startingPoint(options);
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

/**
 * Flow matching: x_1 = x_T ~ N(0, I), then N steps of the sampler down the grid t_k = 1 − k/N, the
 * denoiser asked at τ = 1000·t (flow/time.ts). The trajectory's x̂₀ = x_t − t v̂ is where the straight line
 * through x_t along the predicted velocity meets the data.
 */
async function sampleFlow(options: SampleOptions): Promise<SampleResult> {
  const { denoiser, steps, signal, onStep } = options;
  checkFlowOptions(options);
  checkSetting("steps", SETTINGS.samplingSteps, steps);
  const sampler = createFlowSampler(options.sampler as FlowSamplerName);
  const times = flowTimeGrid(steps);
  const field = async (x: Float64Array, t: number) => {
    signal?.throwIfAborted();
    const velocity = await denoiser.predict(x, flowNetworkTime(t));
    signal?.throwIfAborted(); // an async denoiser may have taken a while
    return velocity;
  };
  const { xT } = startingPoint(options);
  const trajectory = options.trajectory ? { xt: [] as Float64Array[], x0: [] as Float64Array[] } : undefined;

  let x = xT;
  for (let k = 0; k < steps; k++) {
    const t = times[k];
    const velocity = await field(x, t);
    if (trajectory) {
      trajectory.xt.push(x);
      trajectory.x0.push(flowDataPrediction(x, velocity, t));
    }
    x = await sampler.step({ x, velocity, t, next: times[k + 1], field });
    onStep?.(k + 1, steps, x);
  }
  return { sampler: sampler.name, steps, timesteps: times.slice(0, steps), xT, samples: x, ...(trajectory && { trajectory }) };
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
