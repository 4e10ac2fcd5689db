/**
 * Heun's method (the explicit trapezoidal rule) on a flow model's ODE dx/dt = v̂(x, t), from t = 1 to
 * t = 0, as Karras et al. 2022 (EDM), Algorithm 1, lines 5–8:
 *   (5) d_i  = v̂(x_i, t_i)
 *   (6) x̃    = x_i + (t_{i+1} − t_i) d_i                      Euler predictor
 *   (7) if t_{i+1} ≠ 0:
 *         d'_i    = v̂(x̃, t_{i+1})
 *   (8)   x_{i+1} = x_i + (t_{i+1} − t_i) (½ d_i + ½ d'_i)    trapezoidal corrector
 *       else x_{i+1} = x̃
 * Second order: error O(1/N²) over N steps, for two evaluations per step. As in EDM the last step, into
 * the data at t = 0, stays an Euler step: there the field is singular (the exact velocity grows like
 * 1/t near the data points, flow/oracleVelocity.ts), so N steps cost 2N − 1 evaluations.
 */

import type { FlowSampler, FlowStepInput } from "./types.js";

export class HeunSampler implements FlowSampler {
  readonly name = "heun";

  async step({ x, velocity, t, next, field }: FlowStepInput): Promise<Float64Array> {
    const h = next - t;
    const predicted = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) predicted[i] = x[i] + h * velocity[i];
    if (next === 0) return predicted;
    const corrected = await field(predicted, next);
    const out = new Float64Array(x.length);
    for (let i = 0; i < out.length; i++) out[i] = x[i] + h * 0.5 * (velocity[i] + corrected[i]);
    return out;
  }
}
