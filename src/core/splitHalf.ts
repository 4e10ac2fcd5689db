/**
 * The metric floor of a dataset that has no generator to draw fresh points from (a points file, a
 * reference read from disk): one random half of the points scored against the other half, as two
 * independent samples of the same distribution would score.
 */
import { DEFAULT_K, evaluate, type Metrics, type MetricOptions, type PreparedReference, prepareReference } from "./metrics.js";
import { Rng } from "./random.js";

/** Points a split-half floor needs at least: DEFAULT_K + 1 in each half, for the k-th neighbour radii. */
export const MIN_SPLIT_HALF_POINTS = 2 * (DEFAULT_K + 1);

/** Splits points into two random halves (a Fisher–Yates shuffle by Rng(seed)); the second holds the odd one. */
export function splitHalves(points: Float64Array, seed: number): [Float64Array, Float64Array] {
  const n = points.length / 2;
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const half = Math.floor(n / 2);
  const pick = (indices: number[]) => {
    const out = new Float64Array(2 * indices.length);
    indices.forEach((index, i) => {
      out[2 * i] = points[2 * index];
      out[2 * i + 1] = points[2 * index + 1];
    });
    return out;
  };
  return [pick(order.slice(0, half)), pick(order.slice(half))];
}

/**
 * The split-half floor: at most `n` points of the second half scored against the first, split by
 * Rng(seed). Throws a one-line RangeError below MIN_SPLIT_HALF_POINTS points.
 */
export function splitHalfFloor(points: Float64Array, n: number, seed: number, options: MetricOptions = {}): Metrics {
  const count = points.length / 2;
  if (count < MIN_SPLIT_HALF_POINTS) {
    throw new RangeError(`a split-half floor needs at least ${MIN_SPLIT_HALF_POINTS} points (${DEFAULT_K + 1} in each half), got ${count}`);
  }
  const [reference, rest] = splitHalves(points, seed);
  const prepared: PreparedReference = prepareReference(reference, options);
  return evaluate(rest.length / 2 > n ? rest.subarray(0, 2 * n) : rest, prepared, options);
}
