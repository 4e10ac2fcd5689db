/**
 * The linear (rectified-flow) probability path of flow matching (Lipman et al. 2022, §4.1 with σ_min = 0;
 * Liu et al. 2022):
 *   x_t = (1 − t) x₀ + t ε,   t ∈ [0, 1],   ε ~ N(0, I)
 * and its conditional velocity, the network's regression target:
 *   d x_t / dt = ε − x₀ = v.
 * Given x_t and a velocity v̂ at t, the path is undone either way:
 *   x̂₀ = x_t − t v̂,   ε̂ = x_t + (1 − t) v̂.
 */

import { FLOW_TIME_SCALE } from "./time.js";

/** x_t = (1 − t) x₀ + t ε for interleaved points, with t per point (`t[i]` for point i). */
export function flowInterpolate(x0: ArrayLike<number>, eps: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  if (eps.length !== x0.length || 2 * t.length !== x0.length) {
    throw new RangeError(`x0 and eps must hold 2·${t.length} values, got ${x0.length} and ${eps.length}`);
  }
  const out = new Float64Array(x0.length);
  for (let i = 0; i < out.length; i++) {
    const ti = t[i >> 1];
    out[i] = (1 - ti) * x0[i] + ti * eps[i];
  }
  return out;
}

/** The target v = ε − x₀ (the same at every t: the path is a straight line). */
export function flowTarget(x0: ArrayLike<number>, eps: ArrayLike<number>): Float64Array {
  if (eps.length !== x0.length) throw new RangeError(`x0 and eps must have equal lengths, got ${x0.length} and ${eps.length}`);
  const out = new Float64Array(x0.length);
  for (let i = 0; i < out.length; i++) out[i] = eps[i] - x0[i];
  return out;
}

/** x̂₀ = x_t − t v̂: where the straight line through x_t with velocity v̂ meets t = 0. */
export function flowDataPrediction(xt: ArrayLike<number>, velocity: ArrayLike<number>, t: number): Float64Array {
  const out = new Float64Array(xt.length);
  for (let i = 0; i < out.length; i++) out[i] = xt[i] - t * velocity[i];
  return out;
}

/**
 * What a training batch holds for points x₀ with noise ε at time indices k (t = k / 1000, flow/time.ts):
 * x_t on the path and the target ε − x₀.
 */
export function flowTrainingPair(x0: ArrayLike<number>, eps: ArrayLike<number>, k: Int32Array): { xt: Float64Array; target: Float64Array } {
  const t = Float64Array.from(k, (index) => index / FLOW_TIME_SCALE);
  return { xt: flowInterpolate(x0, eps, t), target: flowTarget(x0, eps) };
}
