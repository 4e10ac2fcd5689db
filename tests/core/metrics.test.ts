import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import {
  datasetFloor,
  evaluate,
  medianBandwidth,
  metricFloor,
  mmd2,
  precisionCoverage,
  prepareReference,
  slicedWasserstein,
} from "../../src/core/metrics.js";

/** Two small deterministic sets of different sizes, also used for the numpy/scipy checks below. */
function formulaSets(): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(80);
  const b = new Float64Array(120);
  for (let i = 0; i < 40; i++) {
    a[2 * i] = Math.sin(1.3 * i);
    a[2 * i + 1] = 0.8 * Math.cos(0.7 * i);
  }
  for (let j = 0; j < 60; j++) {
    b[2 * j] = 1.1 * Math.sin(0.9 * j + 0.2);
    b[2 * j + 1] = 0.7 * Math.cos(1.7 * j);
  }
  return { a, b };
}

function onXAxis(xs: number[]): Float64Array {
  return new Float64Array(xs.flatMap((x) => [x, 0]));
}

function shift(points: Float64Array, dx: number, dy: number): Float64Array {
  return points.map((v, j) => v + (j % 2 === 0 ? dx : dy));
}

/** 1D W1 by the CDF form ∫|F(x) − G(x)| dx (the code uses the quantile form). */
function w1ByCdf(a: number[], b: number[]): number {
  const points = [...a, ...b].sort((p, q) => p - q);
  const cdf = (s: number[], x: number) => s.filter((v) => v <= x).length / s.length;
  let sum = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    sum += Math.abs(cdf(a, points[i]) - cdf(b, points[i])) * (points[i + 1] - points[i]);
  }
  return sum;
}

describe("sliced Wasserstein-1", () => {
  it("matches scipy.stats.wasserstein_distance over the same 128 directions", () => {
    const { a, b } = formulaSets();
    // numpy: mean over θ_k of wasserstein_distance(A @ (cos θ_k, sin θ_k), B @ (…)) = 0.08610802799714921
    expect(slicedWasserstein(a, b)).toBeCloseTo(0.08610802799714921, 13);
    expect(slicedWasserstein(b, a)).toBeCloseTo(slicedWasserstein(a, b), 14);
  });

  it("is 0 for identical sets and, for sets on a line, W1 on that line times mean |cos θ|", () => {
    const { a } = formulaSets();
    expect(slicedWasserstein(a, a)).toBe(0);
    const xs = [0.3, -1.2, 2.5, 0.7, 0.1, -0.4, 1.9];
    const ys = [1.1, -0.5, 0.2, 0.25, 3.0, -2.2, 0.8, 0.0, 1.4, -0.9, 0.6, 2.2, -1.6];
    // A unit shift along x has W1 = 1 on every line parallel to it, so its SWD is mean |cos θ_k|.
    const unit = slicedWasserstein(onXAxis(xs), onXAxis(xs.map((x) => x + 1)));
    expect(unit).toBeCloseTo(2 / Math.PI, 3); // stratified directions: within ~1e-4 of the integral
    expect(slicedWasserstein(onXAxis(xs), onXAxis(ys)) / unit).toBeCloseTo(w1ByCdf(xs, ys), 12);
    // {0, 1} vs {0, 0.5, 1}: W1 = 1/6 by hand.
    expect(slicedWasserstein(onXAxis([0, 1]), onXAxis([0, 0.5, 1])) / unit).toBeCloseTo(1 / 6, 14);
  });

  it("grows like 2|c|/π for a shift c in any direction", () => {
    const x = makeDataset("moons", { n: 300 });
    expect(slicedWasserstein(x, shift(x, 0.3, -0.4))).toBeCloseTo((2 * 0.5) / Math.PI, 3);
  });
});

describe("MMD²", () => {
  it("is 2 − 2e^{−d²/2h²} between two single points, and (1 − e^{−1/2})/2 for {0, e1} vs {0}", () => {
    expect(mmd2(onXAxis([0]), onXAxis([1]), 1)).toBeCloseTo(2 - 2 * Math.exp(-0.5), 15);
    expect(mmd2(onXAxis([0]), onXAxis([3]), 2)).toBeCloseTo(2 - 2 * Math.exp(-9 / 8), 15);
    expect(mmd2(onXAxis([0, 1]), onXAxis([0]), 1)).toBeCloseTo((1 - Math.exp(-0.5)) / 2, 15);
  });

  it("uses the median pairwise reference distance as bandwidth, like numpy", () => {
    expect(medianBandwidth(onXAxis([0, 1, 3]))).toBe(2); // distances 1, 3, 2
    const { a, b } = formulaSets();
    // numpy: h = median of pdist(B) = 1.1327471480935754; biased MMD² = 0.002836271290603598
    expect(medianBandwidth(b)).toBeCloseTo(1.1327471480935754, 14);
    expect(evaluate(a, b).mmd).toBeCloseTo(0.002836271290603598, 12); // a difference of O(1) terms
  });

  it("is symmetric for a fixed bandwidth and 0 for identical sets", () => {
    const { a, b } = formulaSets();
    expect(mmd2(a, b, 0.7)).toBeCloseTo(mmd2(b, a, 0.7), 15);
    expect(mmd2(a, a, 0.7)).toBeLessThan(1e-15);
    expect(() => mmd2(a, b, 0)).toThrow(/bandwidth must be a finite number > 0/);
    expect(() => medianBandwidth(onXAxis([1, 1]))).toThrow(/at least 2 distinct points/);
  });
});

describe("precision and coverage", () => {
  const reference = onXAxis([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // every 1-NN radius is 1

  it("count samples inside some k-NN ball, and reference points whose ball holds a sample", () => {
    // (0.5, 0) is in the balls of 0 and 1; (4, 0.9) in the ball of 4 only; the others in none.
    const samples = new Float64Array([0.5, 0, 20, 0, 4, 0.9, 4, 1.1]);
    expect(precisionCoverage(samples, reference, 1)).toEqual({ precision: 2 / 4, coverage: 3 / 10 });
    // The ball is closed: (2, 1) is exactly on the ball of 2.
    expect(precisionCoverage(new Float64Array([2, 1]), reference, 1)).toEqual({ precision: 1, coverage: 0.1 });
    // With k = 2 the end points have radius 2, so (−1.5, 0) is inside the ball of 0 only.
    expect(precisionCoverage(new Float64Array([-1.5, 0]), reference, 2)).toEqual({ precision: 1, coverage: 0.1 });
    expect(precisionCoverage(new Float64Array([-1.5, 0]), reference, 1)).toEqual({ precision: 0, coverage: 0 });
  });

  it("match numpy with k = 5 on formula points", () => {
    const { a, b } = formulaSets();
    // numpy: 38 of 40 samples inside, 57 of 60 reference balls hit.
    expect(precisionCoverage(a, b)).toEqual({ precision: 38 / 40, coverage: 57 / 60 });
  });

  it("reject k outside 1 … m − 1", () => {
    expect(() => precisionCoverage(reference, reference, 10)).toThrow(/k must be an integer from 1 to 9/);
    expect(() => precisionCoverage(reference, reference, 0)).toThrow(RangeError);
  });
});

describe("evaluate and the floor", () => {
  it("gives swd = mmd = 0 and precision = coverage = 1 for identical sets", () => {
    const x = makeDataset("gaussians8", { n: 512 });
    const metrics = evaluate(x, x);
    expect(metrics.swd).toBe(0);
    expect(metrics.mmd).toBeLessThan(1e-12);
    expect(metrics.precision).toBe(1);
    expect(metrics.coverage).toBe(1);
  });

  it("gives the same numbers with a prepared reference", () => {
    const { a, b } = formulaSets();
    expect(evaluate(a, prepareReference(b))).toEqual(evaluate(a, b));
  });

  it("puts the floor of independent draws below a shifted set", () => {
    const options = { n: 2048 };
    const floor = datasetFloor("spiral", options, 512);
    const reference = makeDataset("spiral", options);
    const shifted = evaluate(shift(makeDataset("spiral", { n: 512, seed: 9 }), 0.3, 0), reference);
    expect(floor.swd).toBeGreaterThan(0);
    expect(floor.swd).toBeLessThan(shifted.swd / 3);
    expect(floor.mmd).toBeLessThan(shifted.mmd / 5);
    expect(floor.precision).toBeGreaterThan(0.9);
    expect(shifted.precision).toBeLessThan(floor.precision - 0.2);
    expect(shifted.coverage).toBeLessThan(floor.coverage - 0.2);
  });

  it("averages the draws with seeds 1, 2, …", () => {
    const reference = makeDataset("ring");
    const seeds: number[] = [];
    const draw = (seed: number) => {
      seeds.push(seed);
      return makeDataset("ring", { n: 256, seed });
    };
    const floor = metricFloor(reference, draw, { draws: 2 });
    expect(seeds).toEqual([1, 2]);
    const one = evaluate(makeDataset("ring", { n: 256, seed: 1 }), reference);
    const two = evaluate(makeDataset("ring", { n: 256, seed: 2 }), reference);
    expect(floor.swd).toBeCloseTo((one.swd + two.swd) / 2, 14);
    expect(floor.coverage).toBeCloseTo((one.coverage + two.coverage) / 2, 14);
  });

  it("rejects non-finite samples", () => {
    const x = makeDataset("ring", { n: 20 });
    const bad = Float64Array.from(x);
    bad[5] = NaN;
    expect(() => evaluate(bad, x)).toThrow(/samples must be finite, got NaN at index 5/);
  });
});
