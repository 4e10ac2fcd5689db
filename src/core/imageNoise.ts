/**
 * Burying an image in noise one step at a time, and digging it out again by replaying the same noise.
 *
 * Every colour channel of every pixel is one coordinate of x, and each follows the forward chain of
 * Ho et al. (2020, eq. 2) independently:
 *   (2)  x_t = √(1 − β_t) x_{t−1} + √β_t ε_t,   ε_t ~ N(0, I)
 * Solving (2) for x_{t−1} gives the exact inverse step, given the very ε_t that was drawn:
 *   (2′) x_{t−1} = (x_t − √β_t ε_t) / √(1 − β_t)
 * That is what the "reverse" here does: it replays stored noise, it does not estimate it. A diffusion
 * model has to predict ε from x_t alone; this chain knows the answer, so it only shows what the
 * reverse process is aiming at.
 *
 * Time follows the paper: t = 0 is the image, t = 1 … N the noisy steps; arrays are indexed t − 1,
 * as in schedule.ts.
 */

import { Rng } from "./random.js";

export const MIN_STEPS = 5;
export const MAX_STEPS = 100;
export const MIN_BETA_SCALE = 0.1;
export const MAX_BETA_SCALE = 2;

/**
 * The continuous-time rate of the variance-preserving SDE (Song et al. 2021), β(s) = β_min + s (β_max − β_min)
 * for s ∈ [0, 1]. Its Euler steps at N = 1000 are DDPM's linear β from 1e-4 to 0.02.
 */
export const BETA_MIN = 0.1;
export const BETA_MAX = 20;

/** B(s) = ∫₀ˢ β(u) du = β_min s + ½ (β_max − β_min) s², so that ᾱ(s) = e^{−B(s)}. */
export function integratedRate(s: number): number {
  return BETA_MIN * s + 0.5 * (BETA_MAX - BETA_MIN) * s * s;
}

export interface ImageSchedule {
  steps: number;
  betaScale: number;
  /** β_1 … β_N */
  betas: Float64Array;
  /** ᾱ_t = ∏_{s ≤ t} (1 − β_s) */
  alphaBars: Float64Array;
}

/**
 * An N-step schedule that always fits in (0, 1). Step t takes the slice (t−1)/N … t/N of the continuous
 * rate, scaled by `betaScale`:  1 − β_t = exp(−scale · (B(t/N) − B((t−1)/N))).
 * Then ᾱ_t = exp(−scale · B(t/N)) exactly: ᾱ depends on the fraction t/N, not on N, and ᾱ_N = e^{−10.05 scale}.
 * For small steps β_t ≈ scale · β(t/N) / N, so the scale multiplies every β.
 */
export function imageSchedule(steps: number, betaScale: number): ImageSchedule {
  if (!Number.isInteger(steps) || steps < MIN_STEPS || steps > MAX_STEPS) {
    throw new RangeError(`steps must be an integer from ${MIN_STEPS} to ${MAX_STEPS}, got ${steps}`);
  }
  if (!(betaScale >= MIN_BETA_SCALE && betaScale <= MAX_BETA_SCALE)) {
    throw new RangeError(`betaScale must be from ${MIN_BETA_SCALE} to ${MAX_BETA_SCALE}, got ${betaScale}`);
  }
  const betas = new Float64Array(steps);
  const alphaBars = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    const slice = integratedRate((i + 1) / steps) - integratedRate(i / steps);
    betas[i] = -Math.expm1(-betaScale * slice); // 1 − e^{−x} without cancellation for small x
    alphaBars[i] = Math.exp(-betaScale * integratedRate((i + 1) / steps));
  }
  return { steps, betaScale, betas, alphaBars };
}

/** ᾱ_t for t = 0 … N (ᾱ_0 = 1: the clean image). */
export function alphaBarAtStep(schedule: ImageSchedule, t: number): number {
  checkStep(schedule, t, 0);
  return t === 0 ? 1 : schedule.alphaBars[t - 1];
}

/** SNR_t = ᾱ_t / (1 − ᾱ_t): signal variance over noise variance, for data of unit variance; ∞ at t = 0. */
export function snrAtStep(schedule: ImageSchedule, t: number): number {
  const alphaBar = alphaBarAtStep(schedule, t);
  // 1 − ᾱ_t as −expm1(ln ᾱ_t) keeps its precision when ᾱ_t is close to 1.
  return t === 0 ? Infinity : alphaBar / -Math.expm1(Math.log(alphaBar));
}

function checkStep(schedule: ImageSchedule, t: number, from: number): void {
  if (!Number.isInteger(t) || t < from || t > schedule.steps) {
    throw new RangeError(`t must be an integer from ${from} to ${schedule.steps}, got ${t}`);
  }
}

/**
 * One image's trip through the forward chain and back. The noise ε_1 … ε_N comes from one seeded stream,
 * drawn in order as the chain first needs it and kept (as float32, the values used in every step), so
 * going forward again or backward replays exactly the same noise.
 *
 * forward(t) and reverse(t) return a buffer that the next call to the same method overwrites: copy it
 * to keep it. Both walk from their last position when they can, so an animation costs one step a frame.
 */
export class ImageChain {
  readonly schedule: ImageSchedule;
  readonly x0: Float64Array;
  readonly #rng: Rng;
  readonly #noise: Float32Array;
  #drawn = 0;
  #forward: { t: number; x: Float64Array };
  #reverse: { t: number; x: Float64Array } | undefined;

  constructor(x0: Float64Array, schedule: ImageSchedule, seed: number) {
    if (x0.length === 0) throw new RangeError("x0 must hold at least one value");
    this.schedule = schedule;
    this.x0 = Float64Array.from(x0);
    this.#rng = new Rng(seed);
    this.#noise = new Float32Array(schedule.steps * x0.length);
    this.#forward = { t: 0, x: Float64Array.from(x0) };
  }

  /** ε_t, t = 1 … N. */
  noise(t: number): Float32Array {
    checkStep(this.schedule, t, 1);
    const size = this.x0.length;
    for (; this.#drawn < t; this.#drawn++) {
      const eps = this.#noise.subarray(this.#drawn * size, (this.#drawn + 1) * size);
      for (let j = 0; j < size; j++) eps[j] = this.#rng.normal();
    }
    return this.#noise.subarray((t - 1) * size, t * size);
  }

  /** x_t reached from x_0 by t steps of (2). */
  forward(t: number): Float64Array {
    checkStep(this.schedule, t, 0);
    const state = this.#forward;
    if (t < state.t) {
      state.x.set(this.x0);
      state.t = 0;
    }
    for (; state.t < t; state.t++) {
      const beta = this.schedule.betas[state.t];
      const keep = Math.sqrt(1 - beta);
      const add = Math.sqrt(beta);
      const eps = this.noise(state.t + 1);
      const x = state.x;
      for (let j = 0; j < x.length; j++) x[j] = keep * x[j] + add * eps[j];
    }
    return state.x;
  }

  /** x_t reached from x_N by N − t steps of (2′), using the stored ε. */
  reverse(t: number): Float64Array {
    checkStep(this.schedule, t, 0);
    const N = this.schedule.steps;
    if (!this.#reverse || t > this.#reverse.t) {
      const xN = Float64Array.from(this.forward(N));
      this.#reverse = { t: N, x: xN };
    }
    const state = this.#reverse;
    for (; state.t > t; state.t--) {
      const beta = this.schedule.betas[state.t - 1];
      const keep = Math.sqrt(1 - beta);
      const add = Math.sqrt(beta);
      const eps = this.noise(state.t);
      const x = state.x;
      for (let j = 0; j < x.length; j++) x[j] = (x[j] - add * eps[j]) / keep;
    }
    return state.x;
  }
}

/** Root-mean-square distance between two signals of the same length. */
export function rmsDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`signals must have the same, non-zero length, got ${a.length} and ${b.length}`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}
