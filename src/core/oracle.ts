/**
 * The exact optimal denoiser for an empirical dataset {x0_i}, i = 1…m.
 *
 * If x_0 is drawn uniformly from the data and x_t = a x_0 + s ε (DDPM: a = √ᾱ, s = √(1 − ᾱ); flow
 * matching's path: a = 1 − t, s = t), then q(x_t | x0_i) = N(a x0_i, s² I) and Bayes gives
 *   E[x_0 | x_t] = Σ_i w_i x0_i,   w_i ∝ exp(−‖x_t − a x0_i‖² / (2 s²)),
 * the minimiser of the x0-prediction loss that every trained network approximates. It memorises the
 * data: sampling with it reproduces the training points, which makes it the reference for samplers.
 *
 * ‖x_t‖² is the same for every i, so it drops out of the softmax and the logit is
 *   ℓ_i = (x_t · a x0_i − ‖a x0_i‖² / 2) / s²,
 * a dot product per data point. The softmax subtracts max_i ℓ_i (log-sum-exp), so it is finite for any
 * x_t: at s → 0 the weights pick the nearest point, at a → 0 they are uniform.
 */

import type { Denoiser } from "./denoiser.js";
import type { Schedule } from "./schedule.js";

/**
 * Weights below e^−40 ≈ 4e−18 of the largest are skipped: even all m of them together move the
 * result by less than m · 4e−18 relative, far below float64 rounding for any dataset we accept,
 * and at small t this skips nearly every exp.
 */
const NEGLIGIBLE_LOGIT_GAP = 40;

// exp(z) for z ∈ [−40, 0], the only range the softmax needs, 2.5× faster than Math.exp (a C call in
// V8) and within 4e−16 relative of it: z = (32k + j) ln2/32 + r with |r| ≤ ln2/64, so
// e^z = 2^k · 2^(j/32) · e^r, e^r by its degree-6 Taylor polynomial (error r^7/7! < 1e−17).
const EXP_TABLE_BITS = 5;
const EXP_TABLE_SIZE = 1 << EXP_TABLE_BITS;
const ROUNDING_SHIFTER = 6755399441055744; // 1.5 · 2^52: adding and subtracting it rounds to an integer
const INVERSE_STEP = EXP_TABLE_SIZE / Math.LN2;
const STEP_HIGH = 0.69314718036912381649 / EXP_TABLE_SIZE; // ln2/32 split in two (fdlibm's ln2_hi, ln2_lo)
const STEP_LOW = 1.9082149292705877e-10 / EXP_TABLE_SIZE; // so that n · STEP_HIGH is exact
const FRACTION_POWERS = Float64Array.from({ length: EXP_TABLE_SIZE }, (_, j) => 2 ** (j / EXP_TABLE_SIZE));
const INTEGER_POWERS = Float64Array.from({ length: 64 }, (_, k) => 2 ** -k); // 2^k for k = 0 … −63

function expNonPositive(z: number): number {
  const nf = z * INVERSE_STEP + ROUNDING_SHIFTER - ROUNDING_SHIFTER;
  const r = z - nf * STEP_HIGH - nf * STEP_LOW;
  const n = nf | 0;
  const er = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720)))));
  return er * FRACTION_POWERS[n & (EXP_TABLE_SIZE - 1)] * INTEGER_POWERS[-(n >> EXP_TABLE_BITS)];
}

/** E[x_0 | x_t] for interleaved points x_t = a x_0 + s ε, x_0 uniform over the data (s > 0). */
export type PosteriorMean = (x: Float64Array, a: number, s: number) => Float64Array;

/** The posterior mean over `data` (interleaved 2D points), for any path coefficients a and s. */
export function posteriorMean(data: Float64Array): PosteriorMean {
  if (data.length === 0 || data.length % 2 !== 0) {
    throw new RangeError(`data must hold at least one interleaved 2D point (even length ≥ 2), got ${data.length}`);
  }
  for (let j = 0; j < data.length; j++) {
    if (!Number.isFinite(data[j])) throw new RangeError(`data must be finite, got ${data[j]} at index ${j}`);
  }
  const m = data.length / 2;
  const dataX = new Float64Array(m);
  const dataY = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    dataX[i] = data[2 * i];
    dataY[i] = data[2 * i + 1];
  }
  // Scratch reused across calls (the function is synchronous): a-scaled data, half its squared norm, the logits.
  const scaledX = new Float64Array(m);
  const scaledY = new Float64Array(m);
  const halfNorm = new Float64Array(m);
  const logits = new Float64Array(m);

  return (x: Float64Array, a: number, s: number): Float64Array => {
    if (x.length % 2 !== 0) throw new RangeError(`x must hold interleaved 2D points (even length), got ${x.length}`);
    const inverseVariance = 1 / (s * s);
    for (let i = 0; i < m; i++) {
      const px = a * dataX[i];
      const py = a * dataY[i];
      scaledX[i] = px;
      scaledY[i] = py;
      halfNorm[i] = 0.5 * (px * px + py * py);
    }
    const out = new Float64Array(x.length);
    for (let p = 0; p < x.length; p += 2) {
      const qx = x[p];
      const qy = x[p + 1];
      // Pass 1: logits ℓ_i and their max.
      let max = -Infinity;
      for (let i = 0; i < m; i++) {
        const l = (qx * scaledX[i] + qy * scaledY[i] - halfNorm[i]) * inverseVariance;
        logits[i] = l;
        if (l > max) max = l;
      }
      // Pass 2: Σ w_i and Σ w_i x0_i with w_i = exp(ℓ_i − max) ∈ (0, 1].
      const floor = max - NEGLIGIBLE_LOGIT_GAP;
      let total = 0;
      let sumX = 0;
      let sumY = 0;
      for (let i = 0; i < m; i++) {
        const l = logits[i];
        if (l < floor) continue;
        const w = expNonPositive(l - max);
        total += w;
        sumX += w * dataX[i];
        sumY += w * dataY[i];
      }
      if (!(total >= 1)) {
        // The max term alone contributes 1, so only a non-finite (or ~1e300) x_t gets here.
        throw new RangeError(`x must be finite and below 1e300 in size, got (${qx}, ${qy}) at point ${p / 2}`);
      }
      out[p] = sumX / total;
      out[p + 1] = sumY / total;
    }
    return out;
  };
}

/** The oracle of a DDPM schedule: x̂_0 at schedule index t (a = √ᾱ_t, s = √(1 − ᾱ_t)). */
export function oracleDenoiser(schedule: Schedule, data: Float64Array): Denoiser {
  const mean = posteriorMean(data);
  return {
    parameterization: "x0",
    predict(x: Float64Array, t: number): Float64Array {
      if (!Number.isInteger(t) || t < 0 || t >= schedule.T) {
        throw new RangeError(`t must be an integer from 0 to ${schedule.T - 1}, got ${t}`);
      }
      return mean(x, schedule.sqrtAlphaBars[t], schedule.sqrtOneMinusAlphaBars[t]);
    },
  };
}
