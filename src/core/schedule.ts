/**
 * Noise schedules and every array derived from them.
 *
 * Array index i holds the paper's timestep t = i + 1, so index 0 is the first, smallest step and
 * index T - 1 the last. ᾱ before the first step (the paper's ᾱ_0) is 1 and is not stored.
 */

import { describeRange, inRange, MAX_T, SCHEDULE_KINDS, type ScheduleKind, SETTINGS } from "./settings.js";

export { MAX_T, SCHEDULE_KINDS, type ScheduleKind };
/** Nichol & Dhariwal (2021) clip β so that the last cosine step is not a division by ~0. */
export const COSINE_MAX_BETA = 0.999;
/** Nichol & Dhariwal's offset s, which keeps β_1 from being vanishingly small. */
export const COSINE_OFFSET = 0.008;
/**
 * ᾱ never goes below this. Long or steep schedules underflow ᾱ to 0 (T = 100,000 with the default β range
 * reaches ln ᾱ ≈ −1000), and x̂_0 = (x_t − √(1−ᾱ) ε) / √ᾱ would divide by zero. At 1e-300 the signal left,
 * √ᾱ x_0 ≈ 1e-150, is already nothing in double precision, so the floor changes no sample.
 */
export const ALPHA_BAR_FLOOR = 1e-300;

export interface ScheduleConfig {
  kind: ScheduleKind;
  T: number;
  /** β at t = 1 (ignored by `cosine`, whose shape is fixed). */
  betaStart: number;
  /** β at t = T (ignored by `cosine`). */
  betaEnd: number;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = {
  kind: SETTINGS.scheduleKind.default,
  T: SETTINGS.T.default,
  betaStart: SETTINGS.betaStart.default,
  betaEnd: SETTINGS.betaEnd.default,
};

export interface Schedule extends ScheduleConfig {
  betas: Float64Array;
  /** α_t = 1 − β_t */
  alphas: Float64Array;
  /** ᾱ_t = ∏_{s ≤ t} α_s */
  alphaBars: Float64Array;
  sqrtAlphaBars: Float64Array;
  sqrtOneMinusAlphaBars: Float64Array;
  /** SNR_t = ᾱ_t / (1 − ᾱ_t) */
  snr: Float64Array;
  /** ln SNR_t, from Σ ln(1 − β_s): exact even where ᾱ_t sits at ALPHA_BAR_FLOOR. */
  logSnr: Float64Array;
  /** β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x_0); β̃_1 = 0. */
  posteriorVariance: Float64Array;
  /** Coefficient of x_0 in the posterior mean μ̃_t: β_t √ᾱ_{t−1} / (1 − ᾱ_t). */
  posteriorMeanCoefX0: Float64Array;
  /** Coefficient of x_t in the posterior mean μ̃_t: √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t). */
  posteriorMeanCoefXt: Float64Array;
}

/** Checks a schedule config and returns a one-line reason when it is out of range. */
export function scheduleConfigError(config: ScheduleConfig): string | undefined {
  const { kind, T, betaStart, betaEnd } = config;
  const { scheduleKind, T: steps, betaStart: start, betaEnd: end } = SETTINGS;
  if (!SCHEDULE_KINDS.includes(kind)) return `schedule must be ${describeRange(scheduleKind)}, got ${kind}`;
  if (!inRange(steps, T)) return `T must be ${describeRange(steps)}, got ${T}`;
  if (kind === "cosine") return undefined;
  if (!inRange(start, betaStart)) return `betaStart must be ${describeRange(start)}, got ${betaStart}`;
  if (!inRange(end, betaEnd)) return `betaEnd must be ${describeRange(end)}, got ${betaEnd}`;
  if (T > 1 && !(betaEnd > betaStart)) return `betaEnd must be greater than betaStart (${betaStart}), got ${betaEnd}`;
  return undefined;
}

/** β_1 … β_T for a schedule kind. */
export function betasFor(config: ScheduleConfig): Float64Array {
  const error = scheduleConfigError(config);
  if (error) throw new RangeError(error);
  const { kind, T, betaStart, betaEnd } = config;
  const betas = new Float64Array(T);
  // fraction(i) runs 0 → 1 over the T steps, like numpy.linspace(0, 1, T); a single step sits at 0.
  const fraction = (i: number) => (T === 1 ? 0 : i / (T - 1));
  switch (kind) {
    case "linear":
      for (let i = 0; i < T; i++) betas[i] = betaStart + (betaEnd - betaStart) * fraction(i);
      break;
    case "quadratic": {
      // Linear in √β ("scaled_linear" in diffusers, the Stable Diffusion schedule).
      const a = Math.sqrt(betaStart);
      const b = Math.sqrt(betaEnd);
      for (let i = 0; i < T; i++) betas[i] = (a + (b - a) * fraction(i)) ** 2;
      break;
    }
    case "sigmoid":
      // A sigmoid over [−6, 6] rescaled to [betaStart, betaEnd] (GeoDiff, Xu et al. 2022).
      for (let i = 0; i < T; i++) {
        const s = 1 / (1 + Math.exp(-(-6 + 12 * fraction(i))));
        betas[i] = betaStart + (betaEnd - betaStart) * s;
      }
      break;
    case "cosine": {
      // ᾱ(t) = f(t) / f(0), f(t) = cos²(((t/T) + s) / (1 + s) · π/2);  β_t = 1 − ᾱ(t) / ᾱ(t − 1), clipped.
      for (let i = 0; i < T; i++) {
        const ratio = cosineAlphaBar(i + 1, T) / cosineAlphaBar(i, T);
        betas[i] = Math.min(1 - ratio, COSINE_MAX_BETA);
      }
      break;
    }
  }
  return betas;
}

/** The cosine schedule's ᾱ at paper time t ∈ [0, T] in closed form (before clipping). */
export function cosineAlphaBar(t: number, T: number): number {
  const f = (u: number) => Math.cos(((u / T + COSINE_OFFSET) / (1 + COSINE_OFFSET)) * (Math.PI / 2)) ** 2;
  return f(t) / f(0);
}

/** Builds a schedule with all its derived arrays. Throws RangeError on a bad config. */
export function makeSchedule(config: ScheduleConfig = DEFAULT_SCHEDULE): Schedule {
  const betas = betasFor(config);
  const T = config.T;
  const alphas = new Float64Array(T);
  const alphaBars = new Float64Array(T);
  const sqrtAlphaBars = new Float64Array(T);
  const sqrtOneMinusAlphaBars = new Float64Array(T);
  const snr = new Float64Array(T);
  const logSnr = new Float64Array(T);
  const posteriorVariance = new Float64Array(T);
  const posteriorMeanCoefX0 = new Float64Array(T);
  const posteriorMeanCoefXt = new Float64Array(T);
  let alphaBarPrev = 1;
  let logAlphaBar = 0;
  for (let i = 0; i < T; i++) {
    const beta = betas[i];
    const alpha = 1 - beta;
    const alphaBar = Math.max(alphaBarPrev * alpha, ALPHA_BAR_FLOOR);
    logAlphaBar += Math.log1p(-beta);
    // 1 − ᾱ summed from the βs keeps precision where ᾱ ≈ 1 (1 − ᾱ_t = 1 − ᾱ_{t−1} + ᾱ_{t−1} β_t).
    const oneMinusAlphaBar = (1 - alphaBarPrev) + alphaBarPrev * beta;
    alphas[i] = alpha;
    alphaBars[i] = alphaBar;
    sqrtAlphaBars[i] = Math.sqrt(alphaBar);
    sqrtOneMinusAlphaBars[i] = Math.sqrt(oneMinusAlphaBar);
    snr[i] = alphaBar / oneMinusAlphaBar;
    logSnr[i] = logAlphaBar - Math.log(oneMinusAlphaBar);
    posteriorVariance[i] = (beta * (1 - alphaBarPrev)) / oneMinusAlphaBar;
    posteriorMeanCoefX0[i] = (beta * Math.sqrt(alphaBarPrev)) / oneMinusAlphaBar;
    posteriorMeanCoefXt[i] = (Math.sqrt(alpha) * (1 - alphaBarPrev)) / oneMinusAlphaBar;
    alphaBarPrev = alphaBar;
  }
  return {
    ...config,
    // cosine ignores the configured β range: report the range it really has.
    betaStart: config.kind === "cosine" ? betas[0] : config.betaStart,
    betaEnd: config.kind === "cosine" ? betas[T - 1] : config.betaEnd,
    betas,
    alphas,
    alphaBars,
    sqrtAlphaBars,
    sqrtOneMinusAlphaBars,
    snr,
    logSnr,
    posteriorVariance,
    posteriorMeanCoefX0,
    posteriorMeanCoefXt,
  };
}

/** ᾱ at a schedule index, with index −1 standing for the clean data (ᾱ = 1). */
export function alphaBarAt(schedule: Schedule, index: number): number {
  return index < 0 ? 1 : schedule.alphaBars[index];
}

/** How far the last step is from pure noise. */
export interface TerminalCheck {
  /** √ᾱ_T: how much of x_0 survives in x_T. */
  sqrtAlphaBarT: number;
  alphaBarT: number;
  snrT: number;
  /**
   * Mean over the data of KL(q(x_T | x_0) ‖ N(0, I)) in nats. It bounds the KL of the marginal q(x_T)
   * from above (KL is convex), so a small value proves x_T is noise; 0 when no data is given.
   */
  klToStandardNormal: number;
  /** The KL threshold above which x_T is "not yet noise". */
  klThreshold: number;
  /** True when sampling from N(0, I) starts from the wrong distribution (the "T too small" failure). */
  notYetNoise: boolean;
}

export const TERMINAL_KL_THRESHOLD = 0.01;

/**
 * The terminal check: √ᾱ_T and the KL from q(x_T | x_0) to N(0, I), averaged over `data` (interleaved
 * 2D points). KL(N(m, s²I) ‖ N(0, I)) = ½ Σ_d (s² + m_d² − 1 − ln s²) with m = √ᾱ_T x_0, s² = 1 − ᾱ_T.
 */
export function terminalCheck(schedule: Schedule, data?: Float64Array, dims = 2): TerminalCheck {
  const last = schedule.T - 1;
  const alphaBarT = schedule.alphaBars[last];
  const variance = schedule.sqrtOneMinusAlphaBars[last] ** 2;
  let kl = 0;
  if (data && data.length > 0) {
    let meanSquare = 0;
    for (let i = 0; i < data.length; i++) meanSquare += data[i] * data[i];
    const n = data.length / dims;
    meanSquare /= n; // E‖x_0‖²
    kl = 0.5 * (dims * (variance - 1 - Math.log(variance)) + alphaBarT * meanSquare);
  } else {
    kl = 0.5 * dims * (variance - 1 - Math.log(variance));
  }
  return {
    sqrtAlphaBarT: Math.sqrt(alphaBarT),
    alphaBarT,
    snrT: schedule.snr[last],
    klToStandardNormal: kl,
    klThreshold: TERMINAL_KL_THRESHOLD,
    notYetNoise: kl > TERMINAL_KL_THRESHOLD,
  };
}
