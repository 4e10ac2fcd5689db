/**
 * Euler's method on a flow model's ODE dx/dt = v̂(x, t) (Lipman et al. 2022; Liu et al. 2022), from t = 1
 * to t = 0, in the notation of Karras et al. 2022 (EDM), Algorithm 1, lines 5–6:
 *   (5) d_i = v̂(x_i, t_i)
 *   (6) x_{i+1} = x_i + (t_{i+1} − t_i) d_i
 * First order: one model evaluation per step, error O(1/N) over N steps. On the linear path a model whose
 * paths are straight (a single data point, or after reflow) is integrated exactly in one step.
 */

import type { FlowSampler, FlowStepInput } from "./types.js";

export class EulerSampler implements FlowSampler {
  readonly name = "euler";

  step({ x, velocity, t, next }: FlowStepInput): Promise<Float64Array> {
    const h = next - t; // negative: time runs from noise to data
    const out = new Float64Array(x.length);
    for (let i = 0; i < out.length; i++) out[i] = x[i] + h * velocity[i];
    return Promise.resolve(out);
  }
}
