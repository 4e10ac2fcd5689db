/**
 * What a denoiser predicts, and the exact conversions between the three choices.
 *
 * With x_t = √ᾱ x_0 + √(1−ᾱ) ε (Ho et al. 2020, eq. 4) and v = √ᾱ ε − √(1−ᾱ) x_0 (Salimans & Ho 2022):
 *   x_0 = (x_t − √(1−ᾱ) ε) / √ᾱ        ε = (x_t − √ᾱ x_0) / √(1−ᾱ)
 *   x_0 = √ᾱ x_t − √(1−ᾱ) v            ε = √(1−ᾱ) x_t + √ᾱ v
 */

import { PARAMETERIZATIONS, type Parameterization } from "./settings.js";

export { type Parameterization, PARAMETERIZATIONS };

/** A model's view of one noisy batch: the prediction of x_0 and of ε, whatever it was trained on. */
export interface Prediction {
  x0: Float64Array;
  eps: Float64Array;
}

/**
 * Converts a model output at noise level ᾱ into both x̂_0 and ε̂.
 * `xt` and `output` are interleaved point arrays of equal length.
 */
export function toPrediction(
  parameterization: Parameterization,
  output: ArrayLike<number>,
  xt: ArrayLike<number>,
  alphaBar: number,
): Prediction {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  const n = xt.length;
  const x0 = new Float64Array(n);
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = output[i];
    const x = xt[i];
    switch (parameterization) {
      case "eps":
        eps[i] = y;
        x0[i] = (x - s * y) / a;
        break;
      case "x0":
        x0[i] = y;
        eps[i] = (x - a * y) / s;
        break;
      case "v":
        x0[i] = a * x - s * y;
        eps[i] = s * x + a * y;
        break;
    }
  }
  return { x0, eps };
}

/** The training target of a parameterization for known x_0 and ε at noise level ᾱ. */
export function targetFor(
  parameterization: Parameterization,
  x0: ArrayLike<number>,
  eps: ArrayLike<number>,
  alphaBar: number,
): Float64Array {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  const out = new Float64Array(x0.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = parameterization === "eps" ? eps[i] : parameterization === "x0" ? x0[i] : a * eps[i] - s * x0[i];
  }
  return out;
}

/** Re-expresses a model output in another parameterization (e.g. for an ε-only export). */
export function convertOutput(
  from: Parameterization,
  to: Parameterization,
  output: ArrayLike<number>,
  xt: ArrayLike<number>,
  alphaBar: number,
): Float64Array {
  const { x0, eps } = toPrediction(from, output, xt, alphaBar);
  return targetFor(to, x0, eps, alphaBar);
}
