/**
 * Where the Fields page's samplers (fieldAlongSampling.ts) move a point in one step, from the learned
 * field at it (learnedField.ts), so the page can draw the motion beside the field:
 *   - flow matching, Euler from t to t' < t: Δx = (t' − t)·v̂, exactly along −v̂;
 *   - DDPM, DDIM (η = 0) from t to t', a discretisation of the probability-flow ODE: with a = √(ᾱ_t' / ᾱ_t) > 1,
 *       x' = √ᾱ_t'·x̂₀ + σ_t'·ε̂,  x̂₀ = (x − σ_t·ε̂) / √ᾱ_t,  ε̂ = −σ_t·score,
 *     so Δx = (a − 1)·x + (a·σ_t − σ_t')·σ_t·score. Not along the score: the first term pushes away
 *     from the origin, the second (for a field like −x) pulls towards it, and near t = T, where the
 *     score is nearly −x, the two nearly cancel.
 */

import type { FieldTime } from "./learnedField.js";
import type { Objective } from "./settings.js";

/** The path's weights at a time: √ᾱ_t and σ_t (DDPM), 1 − t and t (flow matching). */
export type PathWeights = Pick<FieldTime, "signal" | "noise">;

/** Where the last step lands: x₀ itself, all signal and no noise. */
export const END_OF_SAMPLING: PathWeights = { signal: 1, noise: 0 };

/**
 * The step the sampler takes from each of the interleaved `points`, where the learned field (the score
 * for DDPM, v̂ for flow matching) is `field`, from time `from` to the next, less noisy, time `to`.
 */
export function samplerStep(objective: Objective, field: ArrayLike<number>, points: ArrayLike<number>, from: PathWeights, to: PathWeights): Float64Array {
  if (field.length !== points.length || points.length % 2 !== 0) {
    throw new RangeError(`field and points must have equal, even lengths, got ${field.length} and ${points.length}`);
  }
  if (!(to.noise >= 0 && to.noise < from.noise)) throw new RangeError(`a step must go to less noise, from ${from.noise} to ${to.noise}`);
  if (objective === "flow-matching") return Float64Array.from(field, (v) => (to.noise - from.noise) * v);
  // DDPM's x_t always holds some of x₀ (ᾱ_T > 0), which x̂₀ is divided by.
  if (!(from.signal > 0)) throw new RangeError(`a DDPM step needs a signal above 0, got ${from.signal}`);
  const a = to.signal / from.signal;
  const scoreWeight = (a * from.noise - to.noise) * from.noise;
  return Float64Array.from(points, (x, i) => (a - 1) * x + scoreWeight * field[i]);
}
