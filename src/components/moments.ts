/**
 * A check a reader can watch: the forward process predicts the spread of x_t from the spread of x_0.
 * With x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε and ε independent of x_0, the mean square per coordinate is
 * E[x_t²] = ᾱ_t E[x_0²] + (1 − ᾱ_t): it moves from the data's value to 1, the value of N(0, I).
 */

/** (1 / 2n) Σ_i ‖x_i‖² over interleaved 2D points. */
export function meanSquare(points: Float64Array): number {
  if (points.length === 0 || points.length % 2 !== 0) {
    throw new RangeError(`points must be a non-empty even-length array, got length ${points.length}`);
  }
  let sum = 0;
  for (let i = 0; i < points.length; i++) sum += points[i] * points[i];
  return sum / points.length;
}

/** E[x_t²] per coordinate, given the data's mean square m0 and ᾱ_t. */
export function predictedMeanSquare(m0: number, alphaBar: number): number {
  return alphaBar * m0 + (1 - alphaBar);
}

/**
 * Standard error of meanSquare over `count` coordinates drawn from the forward process with x_0 fixed:
 * per coordinate x² = ᾱ x_0² + 2√ᾱ√(1−ᾱ) x_0 ε + (1−ᾱ) ε², whose variance is 4ᾱ(1−ᾱ) x_0² + 2(1−ᾱ)²
 * (Var ε = 1, Var ε² = 2, Cov(ε, ε²) = 0); averaged over the coordinates, with x_0² replaced by m0.
 */
export function meanSquareStandardError(m0: number, alphaBar: number, count: number): number {
  const noise = 1 - alphaBar;
  return Math.sqrt((4 * alphaBar * noise * m0 + 2 * noise * noise) / count);
}
