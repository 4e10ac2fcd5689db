/**
 * The exact velocity field of flow matching over an empirical dataset {x0_j}: what a network trained on
 * the linear path (path.ts) converges to, so that sampler error and model error can be told apart.
 *
 * The minimiser of E‖v_θ(x_t, t) − (ε − x₀)‖² is the conditional mean v(x_t, t) = E[ε − x₀ | x_t]. With
 * x_t = (1 − t) x₀ + t ε, ε = (x_t − (1 − t) x₀) / t, so
 *   E[ε | x_t] = (x_t − (1 − t) E[x₀ | x_t]) / t
 *   v(x_t, t)  = E[ε | x_t] − E[x₀ | x_t] = (x_t − E[x₀ | x_t]) / t,
 * and E[x₀ | x_t] is the posterior mean of oracle.ts with a = 1 − t, s = t:
 *   E[x₀ | x_t] = Σ_j w_j x0_j,   w_j ∝ exp(−‖x_t − (1 − t) x0_j‖² / (2t²))   (log-sum-exp there).
 * At t = 1 the weights are uniform and v = x_1 − mean(data); as t → 0 the field points at the nearest data
 * point and grows like 1/t: at t = 0 it is undefined, so it is refused there (no sampler evaluates it).
 */

import type { Denoiser } from "../denoiser.js";
import { posteriorMean } from "../oracle.js";
import { FLOW_TIME_SCALE } from "./time.js";

/** The oracle velocity as a Denoiser of a flow model: predict(x, τ) at t = τ / 1000, τ ∈ (0, 1000]. */
export function oracleVelocity(data: Float64Array): Denoiser {
  const mean = posteriorMean(data);
  return {
    parameterization: "eps",
    objective: "flow-matching",
    predict(x: Float64Array, tau: number): Float64Array {
      if (!(tau > 0 && tau <= FLOW_TIME_SCALE)) {
        throw new RangeError(`t must be a number in (0, ${FLOW_TIME_SCALE}] (τ = ${FLOW_TIME_SCALE}·t; the velocity is singular at the data, t = 0), got ${tau}`);
      }
      const t = tau / FLOW_TIME_SCALE;
      const x0 = mean(x, 1 - t, t);
      const out = new Float64Array(x.length);
      for (let i = 0; i < out.length; i++) out[i] = (x[i] - x0[i]) / t;
      return out;
    },
  };
}
