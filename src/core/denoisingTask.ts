/**
 * The denoising task at one noise level: given x_t = √ᾱ x_0 + √(1 − ᾱ) ε, predict ε. A prediction ε̂
 * is scored by ‖ε̂ − ε‖² against the true noise; the training loss of Ho et al. (2020) is the same error
 * averaged over coordinates, so for 2D points it is half the per-point value.
 *
 * Between the two trivial predictors sits a family that the reader can scrub through:
 *   ε̂_q = q · ε̂_ref,   q ∈ [0, 1],
 * which predicts zeros at q = 0 (error E‖ε‖², about 2 per point) and the reference (the exact oracle) at
 * q = 1. Its error is the quadratic q² E‖ε̂_ref‖² − 2q E[ε̂_ref · ε] + E‖ε‖² in q.
 */

/**
 * The q that minimises the error of q · ε̂ against ε: the vertex E[ε̂ · ε] / E‖ε̂‖² of the quadratic above
 * (not clamped to [0, 1]; undefined when ε̂ = 0). For the exact posterior mean ε̂ = E[ε | x_t] it is 1 in
 * expectation, since the error ε − ε̂ is then uncorrelated with ε̂.
 */
export function bestBlend(eps: Float64Array, truth: Float64Array): number | undefined {
  if (eps.length !== truth.length) throw new RangeError(`eps must have the length of truth (${truth.length}), got ${eps.length}`);
  let cross = 0;
  let square = 0;
  for (let i = 0; i < eps.length; i++) {
    cross += eps[i] * truth[i];
    square += eps[i] * eps[i];
  }
  return square > 0 ? cross / square : undefined;
}

/** ε̂_q = q · ε̂: the prediction shrunk towards zero. */
export function blendNoise(eps: Float64Array, q: number): Float64Array {
  if (!(Number.isFinite(q) && q >= 0 && q <= 1)) throw new RangeError(`q must be a number in [0, 1], got ${q}`);
  const out = new Float64Array(eps.length);
  for (let i = 0; i < eps.length; i++) out[i] = q * eps[i];
  return out;
}

export interface NoiseError {
  /** Mean over points of ‖ε̂_i − ε_i‖² (both coordinates summed). */
  perPoint: number;
  /** Mean over coordinates of (ε̂ − ε)²: the training loss, perPoint / 2 for 2D points. */
  perCoordinate: number;
}

/** How far a prediction is from the true noise, both per point and per coordinate (interleaved 2D points). */
export function noiseError(predicted: Float64Array, truth: Float64Array): NoiseError {
  if (predicted.length !== truth.length) {
    throw new RangeError(`predicted must have the length of truth (${truth.length}), got ${predicted.length}`);
  }
  if (truth.length === 0 || truth.length % 2 !== 0) {
    throw new RangeError(`truth must hold at least one interleaved 2D point (even length ≥ 2), got ${truth.length}`);
  }
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (predicted[i] - truth[i]) ** 2;
  return { perPoint: sum / (truth.length / 2), perCoordinate: sum / truth.length };
}
