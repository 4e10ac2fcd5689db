/**
 * How close a sample set is to a reference set of 2D points.
 *
 *   swd        sliced Wasserstein-1: the mean over K fixed directions θ_k of W1 between the projected
 *              sets, W1 = ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du computed exactly on the two empirical quantile
 *              functions, so the sets may differ in size. Directions are stratified over [0, π):
 *              θ_k = π (k + u_k) / K with u_k from Rng(seed) (K = 128), so every run uses the same ones.
 *              In data units; symmetric in its two arguments.
 *   mmd        squared maximum mean discrepancy, the biased (V-statistic) estimate
 *              mean k(x, x') + mean k(y, y') − 2 mean k(x, y) with k = exp(−‖x − y‖² / (2h²)). It is ≥ 0 and
 *              exactly 0 for identical sets. h is the median pairwise distance within the reference (over
 *              at most 512 evenly strided reference points), or a fixed `bandwidth`; symmetric for a fixed h.
 *   precision  the fraction of samples inside the k-NN ball of some reference point (Kynkäänniemi et al.
 *              2019): are samples where the data is?
 *   coverage   the fraction of reference points whose k-NN ball holds a sample (Naeem et al. 2020): is all
 *              of the data reached? The k-NN radius of a reference point is the distance to its k-th
 *              nearest other reference point (k = 5); "inside" includes the boundary.
 *
 * The metrics of two independent draws of the same distribution are not 0 (finite-sample noise), so
 * a model is judged against that floor (`metricFloor`).
 */

import { type DatasetName, type DatasetOptions, makeDataset } from "./datasets.js";
import { Rng } from "./random.js";

export interface Metrics {
  swd: number;
  /** MMD², not its square root. */
  mmd: number;
  precision: number;
  coverage: number;
}

export interface MetricOptions {
  /** Seed of the SWD directions (default 0). */
  seed?: number;
  /** Number of SWD directions (default 128). */
  directions?: number;
  /** Neighbour rank of the precision/coverage radii (default 5). */
  k?: number;
  /** Fixed RBF bandwidth h > 0; default: the median heuristic on the reference. */
  bandwidth?: number;
}

export const DEFAULT_DIRECTIONS = 128;
export const DEFAULT_K = 5;
/** The median heuristic looks at all pairs of at most this many reference points (~130k pairs). */
const BANDWIDTH_SUBSAMPLE = 512;

function checkPoints(points: Float64Array, name: string): number {
  if (points.length === 0 || points.length % 2 !== 0) {
    throw new RangeError(`${name} must hold at least one interleaved 2D point (even length ≥ 2), got ${points.length}`);
  }
  for (let j = 0; j < points.length; j++) {
    if (!Number.isFinite(points[j])) throw new RangeError(`${name} must be finite, got ${points[j]} at index ${j}`);
  }
  return points.length / 2;
}

// ---------------------------------------------------------------------------------------------
// Sliced Wasserstein-1

/** The K stratified unit directions (cos θ_k, sin θ_k), interleaved. */
function sliceDirections(count: number, seed: number): Float64Array {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`directions must be an integer ≥ 1, got ${count}`);
  const rng = new Rng(seed);
  const out = new Float64Array(2 * count);
  for (let k = 0; k < count; k++) {
    const theta = (Math.PI * (k + rng.uniform())) / count;
    out[2 * k] = Math.cos(theta);
    out[2 * k + 1] = Math.sin(theta);
  }
  return out;
}

function project(points: Float64Array, dx: number, dy: number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = dx * points[2 * i] + dy * points[2 * i + 1];
  return out.sort();
}

/**
 * W1 between two sorted 1D samples of sizes n and m: ∫|F⁻¹ − G⁻¹| over the merged quantile
 * breakpoints i/n and j/m, kept as integers (i·m, j·n over n·m) so ties are exact.
 */
function wasserstein1Sorted(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let previous = 0;
  let sum = 0;
  while (i < n && j < m) {
    const endA = (i + 1) * m;
    const endB = (j + 1) * n;
    const end = Math.min(endA, endB);
    sum += (end - previous) * Math.abs(a[i] - b[j]);
    previous = end;
    if (endA === end) i++;
    if (endB === end) j++;
  }
  return sum / (n * m);
}

export function slicedWasserstein(
  a: Float64Array,
  b: Float64Array,
  options: { seed?: number; directions?: number } = {},
): number {
  const n = checkPoints(a, "a");
  const m = checkPoints(b, "b");
  const directions = sliceDirections(options.directions ?? DEFAULT_DIRECTIONS, options.seed ?? 0);
  const pa = new Float64Array(n);
  const pb = new Float64Array(m);
  const count = directions.length / 2;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const dx = directions[2 * k];
    const dy = directions[2 * k + 1];
    total += wasserstein1Sorted(project(a, dx, dy, pa), project(b, dx, dy, pb));
  }
  return total / count;
}

// ---------------------------------------------------------------------------------------------
// MMD² with an RBF kernel

/** The median pairwise distance among (an evenly strided subsample of) the reference points. */
export function medianBandwidth(reference: Float64Array): number {
  const m = checkPoints(reference, "reference");
  const size = Math.min(m, BANDWIDTH_SUBSAMPLE);
  const distances = new Float64Array((size * (size - 1)) / 2);
  let p = 0;
  for (let i = 0; i < size; i++) {
    const a = Math.floor((i * m) / size);
    for (let j = i + 1; j < size; j++) {
      const b = Math.floor((j * m) / size);
      distances[p++] = Math.hypot(reference[2 * a] - reference[2 * b], reference[2 * a + 1] - reference[2 * b + 1]);
    }
  }
  distances.sort();
  const half = distances.length >> 1;
  const median = distances.length % 2 === 1 ? distances[half] : 0.5 * (distances[half - 1] + distances[half]);
  if (!(median > 0)) {
    throw new RangeError(`reference needs at least 2 distinct points for the median-heuristic bandwidth; pass bandwidth`);
  }
  return median;
}

/** Σ_{i,j} k(x_i, y_j) over all pairs, with γ = 1 / (2h²). */
function kernelSum(x: Float64Array, y: Float64Array, gamma: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i += 2) {
    const xx = x[i];
    const xy = x[i + 1];
    for (let j = 0; j < y.length; j += 2) {
      const dx = xx - y[j];
      const dy = xy - y[j + 1];
      sum += Math.exp(-gamma * (dx * dx + dy * dy));
    }
  }
  return sum;
}

/** Σ_{i,j} k(x_i, x_j) over all ordered pairs including i = j, from the i < j half. */
function selfKernelSum(x: Float64Array, gamma: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i += 2) {
    const xx = x[i];
    const xy = x[i + 1];
    for (let j = i + 2; j < x.length; j += 2) {
      const dx = xx - x[j];
      const dy = xy - x[j + 1];
      sum += Math.exp(-gamma * (dx * dx + dy * dy));
    }
  }
  return 2 * sum + x.length / 2; // k(x, x) = 1
}

function checkBandwidth(h: number): number {
  if (!(Number.isFinite(h) && h > 0)) throw new RangeError(`bandwidth must be a finite number > 0, got ${h}`);
  return h;
}

/** Biased MMD² between two point sets with RBF bandwidth h. */
export function mmd2(a: Float64Array, b: Float64Array, bandwidth: number): number {
  const n = checkPoints(a, "a");
  const m = checkPoints(b, "b");
  const gamma = 1 / (2 * checkBandwidth(bandwidth) ** 2);
  return mmd2From(selfKernelSum(a, gamma) / (n * n), selfKernelSum(b, gamma) / (m * m), a, b, gamma);
}

function mmd2From(meanAA: number, meanBB: number, a: Float64Array, b: Float64Array, gamma: number): number {
  const meanAB = kernelSum(a, b, gamma) / ((a.length / 2) * (b.length / 2));
  // ≥ 0 in exact arithmetic (a squared RKHS norm); clamp the rounding of nearly identical sets.
  return Math.max(0, meanAA + meanBB - 2 * meanAB);
}

// ---------------------------------------------------------------------------------------------
// Precision and coverage

/** Squared distance from each reference point to its k-th nearest other reference point. */
function knnRadiiSquared(reference: Float64Array, k: number): Float64Array {
  const m = reference.length / 2;
  const radii = new Float64Array(m);
  const nearest = new Float64Array(k); // the k smallest squared distances so far, ascending
  for (let i = 0; i < m; i++) {
    nearest.fill(Infinity);
    const xi = reference[2 * i];
    const yi = reference[2 * i + 1];
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const dx = xi - reference[2 * j];
      const dy = yi - reference[2 * j + 1];
      const d = dx * dx + dy * dy;
      if (d >= nearest[k - 1]) continue;
      let slot = k - 1;
      while (slot > 0 && nearest[slot - 1] > d) {
        nearest[slot] = nearest[slot - 1];
        slot--;
      }
      nearest[slot] = d;
    }
    radii[i] = nearest[k - 1];
  }
  return radii;
}

function precisionCoverageFrom(samples: Float64Array, reference: Float64Array, radiiSquared: Float64Array) {
  const m = radiiSquared.length;
  const covered = new Uint8Array(m);
  let inside = 0;
  for (let p = 0; p < samples.length; p += 2) {
    const x = samples[p];
    const y = samples[p + 1];
    let found = 0;
    for (let j = 0; j < m; j++) {
      const dx = x - reference[2 * j];
      const dy = y - reference[2 * j + 1];
      if (dx * dx + dy * dy <= radiiSquared[j]) {
        found = 1;
        covered[j] = 1;
      }
    }
    inside += found;
  }
  let coveredCount = 0;
  for (let j = 0; j < m; j++) coveredCount += covered[j];
  return { precision: inside / (samples.length / 2), coverage: coveredCount / m };
}

function checkK(k: number, m: number): number {
  if (!Number.isInteger(k) || k < 1 || k > m - 1) {
    throw new RangeError(`k must be an integer from 1 to ${m - 1} (reference size − 1), got ${k}`);
  }
  return k;
}

export function precisionCoverage(
  samples: Float64Array,
  reference: Float64Array,
  k = DEFAULT_K,
): { precision: number; coverage: number } {
  checkPoints(samples, "samples");
  const m = checkPoints(reference, "reference");
  return precisionCoverageFrom(samples, reference, knnRadiiSquared(reference, checkK(k, m)));
}

// ---------------------------------------------------------------------------------------------
// All four, against a reference prepared once

/** What `evaluate` needs from a reference, computed once per reference (O(m²)). */
export interface PreparedReference {
  readonly points: Float64Array;
  readonly bandwidth: number;
  /** mean k(y, y') over all ordered reference pairs. */
  readonly meanKernel: number;
  readonly radiiSquared: Float64Array;
  readonly k: number;
}

export function prepareReference(
  reference: Float64Array,
  options: { k?: number; bandwidth?: number } = {},
): PreparedReference {
  const m = checkPoints(reference, "reference");
  const k = checkK(options.k ?? DEFAULT_K, m);
  const bandwidth = options.bandwidth === undefined ? medianBandwidth(reference) : checkBandwidth(options.bandwidth);
  const gamma = 1 / (2 * bandwidth * bandwidth);
  return {
    points: reference,
    bandwidth,
    meanKernel: selfKernelSum(reference, gamma) / (m * m),
    radiiSquared: knnRadiiSquared(reference, k),
    k,
  };
}

/**
 * All four metrics of `samples` against `reference` (raw points, or prepared once to evaluate many
 * sample sets). With a prepared reference, its own k and bandwidth are used.
 */
export function evaluate(
  samples: Float64Array,
  reference: Float64Array | PreparedReference,
  options: MetricOptions = {},
): Metrics {
  const n = checkPoints(samples, "samples");
  const ref = reference instanceof Float64Array ? prepareReference(reference, options) : reference;
  const gamma = 1 / (2 * ref.bandwidth * ref.bandwidth);
  return {
    swd: slicedWasserstein(samples, ref.points, options),
    mmd: mmd2From(selfKernelSum(samples, gamma) / (n * n), ref.meanKernel, samples, ref.points, gamma),
    ...precisionCoverageFrom(samples, ref.points, ref.radiiSquared),
  };
}

/**
 * The metric floor: the mean metrics of `draws` independent sets `draw(1)`, …, `draw(draws)` against
 * the reference. `draw(seed)` must sample the reference's distribution (with as many points as the
 * model's sample sets) and never reproduce the reference itself.
 */
export function metricFloor(
  reference: Float64Array,
  draw: (seed: number) => Float64Array,
  options: MetricOptions & { draws?: number } = {},
): Metrics {
  const draws = options.draws ?? 3;
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be an integer ≥ 1, got ${draws}`);
  const prepared = prepareReference(reference, options);
  const mean: Metrics = { swd: 0, mmd: 0, precision: 0, coverage: 0 };
  for (let d = 1; d <= draws; d++) {
    const metrics = evaluate(draw(d), prepared, options);
    mean.swd += metrics.swd / draws;
    mean.mmd += metrics.mmd / draws;
    mean.precision += metrics.precision / draws;
    mean.coverage += metrics.coverage / draws;
  }
  return mean;
}

/**
 * The floor for a named dataset: the reference is makeDataset(name, options) (the training set),
 * each draw is `sampleCount` fresh points from seeds options.seed + 1, + 2, ….
 */
export function datasetFloor(
  name: DatasetName,
  options: DatasetOptions,
  sampleCount: number,
  metricOptions: MetricOptions & { draws?: number } = {},
): Metrics {
  const seed = options.seed ?? 0;
  const reference = makeDataset(name, options);
  return metricFloor(reference, (d) => makeDataset(name, { ...options, n: sampleCount, seed: seed + d }), metricOptions);
}
