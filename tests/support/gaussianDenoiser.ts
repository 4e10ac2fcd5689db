/**
 * The exact denoiser for 2D Gaussian data x_0 ~ N(μ, Σ).
 *
 * x_t = √ᾱ x_0 + √(1−ᾱ) ε is jointly Gaussian with x_0, x_t ~ N(√ᾱ μ, ᾱΣ + (1−ᾱ)I), and
 *   E[x_0 | x_t] = μ + √ᾱ Σ (ᾱΣ + (1−ᾱ)I)⁻¹ (x_t − √ᾱ μ).
 */

import type { Denoiser } from "../../src/core/denoiser.js";
import { type Parameterization, targetFor } from "../../src/core/parameterization.js";
import type { Schedule } from "../../src/core/schedule.js";

export interface Gaussian2 {
  mean: [number, number];
  /** [Σxx, Σxy, Σyy] */
  cov: [number, number, number];
}

/** E[x_0 | x_t] for every point of `xt` at noise level ᾱ. */
export function gaussianPosteriorMean(g: Gaussian2, xt: Float64Array, alphaBar: number): Float64Array {
  const [mx, my] = g.mean;
  const [sxx, sxy, syy] = g.cov;
  const a = Math.sqrt(alphaBar);
  // M = ᾱΣ + (1−ᾱ)I, K = √ᾱ Σ M⁻¹ (2×2 inverse by the adjugate).
  const mxx = alphaBar * sxx + 1 - alphaBar;
  const mxy = alphaBar * sxy;
  const myy = alphaBar * syy + 1 - alphaBar;
  const det = mxx * myy - mxy * mxy;
  const ixx = myy / det, ixy = -mxy / det, iyy = mxx / det;
  const kxx = a * (sxx * ixx + sxy * ixy), kxy = a * (sxx * ixy + sxy * iyy);
  const kyx = a * (sxy * ixx + syy * ixy), kyy = a * (sxy * ixy + syy * iyy);
  const out = new Float64Array(xt.length);
  for (let i = 0; i < xt.length; i += 2) {
    const dx = xt[i] - a * mx;
    const dy = xt[i + 1] - a * my;
    out[i] = mx + kxx * dx + kxy * dy;
    out[i + 1] = my + kyx * dx + kyy * dy;
  }
  return out;
}

/** The exact denoiser, reporting its prediction in any parameterization. */
export function gaussianDenoiser(g: Gaussian2, schedule: Schedule, parameterization: Parameterization): Denoiser {
  return {
    parameterization,
    predict(x, t) {
      const alphaBar = schedule.alphaBars[t];
      const x0 = gaussianPosteriorMean(g, x, alphaBar);
      const eps = new Float64Array(x.length);
      const a = Math.sqrt(alphaBar), s = Math.sqrt(1 - alphaBar);
      for (let i = 0; i < x.length; i++) eps[i] = (x[i] - a * x0[i]) / s;
      return targetFor(parameterization, x0, eps, alphaBar);
    },
  };
}

/** Sample mean and covariance [Σxx, Σxy, Σyy] (divisor n − 1) of interleaved points. */
export function moments(points: Float64Array): Gaussian2 {
  const n = points.length / 2;
  let mx = 0, my = 0;
  for (let i = 0; i < points.length; i += 2) {
    mx += points[i];
    my += points[i + 1];
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < points.length; i += 2) {
    const dx = points[i] - mx, dy = points[i + 1] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  return { mean: [mx, my], cov: [sxx / (n - 1), sxy / (n - 1), syy / (n - 1)] };
}
