import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { forwardChain, qSample } from "../../src/core/forward.js";
import { Rng } from "../../src/core/random.js";
import { makeSchedule } from "../../src/core/schedule.js";

const schedule = makeSchedule({ kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });

/** ᾱ at index t recomputed from scratch: ∏_{s ≤ t} (1 − β_s), β linear from 1e-4 to 0.02. */
function alphaBar(t: number): number {
  let product = 1;
  for (let s = 0; s <= t; s++) product *= 1 - (1e-4 + ((0.02 - 1e-4) * s) / 999);
  return product;
}

/** Two-sample Kolmogorov–Smirnov statistic sup |F_a − F_b|. */
function ks(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

function coordinate(points: Float64Array, c: 0 | 1): number[] {
  return Array.from({ length: points.length / 2 }, (_, i) => points[2 * i + c]);
}

describe("qSample", () => {
  it("is √ᾱ x0 + √(1 − ᾱ) ε for a given ε, which it returns as eps", () => {
    const x0 = new Float64Array([1, 2, -0.5, 0.25]);
    const noise = new Float64Array([0.5, -1, 2, 0]);
    const { xt, eps } = qSample(schedule, x0, 9, noise);
    expect(eps).toBe(noise);
    const ab = alphaBar(9);
    for (let j = 0; j < 4; j++) expect(xt[j]).toBeCloseTo(Math.sqrt(ab) * x0[j] + Math.sqrt(1 - ab) * noise[j], 14);
  });

  it("takes one t per point, and t = −1 is the clean data", () => {
    const x0 = new Float64Array([1, 1, 1, 1, 1, 1]);
    const noise = new Float64Array([1, 1, 1, 1, 1, 1]);
    const { xt } = qSample(schedule, x0, [-1, 0, 999], noise);
    expect([xt[0], xt[1]]).toEqual([1, 1]);
    expect(xt[2]).toBeCloseTo(Math.sqrt(1 - 1e-4) + Math.sqrt(1e-4), 14);
    expect(xt[5]).toBeCloseTo(Math.sqrt(alphaBar(999)) + Math.sqrt(1 - alphaBar(999)), 12);
    expect(qSample(schedule, x0, -1, new Rng(0)).xt).toEqual(x0);
  });

  it("draws ε from an Rng deterministically", () => {
    const x0 = makeDataset("moons", { n: 10 });
    expect(qSample(schedule, x0, 500, new Rng(4)).xt).toEqual(qSample(schedule, x0, 500, new Rng(4)).xt);
    expect(qSample(schedule, x0, 500, new Rng(4)).eps).toEqual(new Rng(4).normals(20));
  });

  it("rejects bad input", () => {
    const x0 = new Float64Array(4);
    expect(() => qSample(schedule, x0, 1000, new Rng(0))).toThrow(/t must be an integer from -1 to 999, got 1000/);
    expect(() => qSample(schedule, x0, 0.5, new Rng(0))).toThrow(RangeError);
    expect(() => qSample(schedule, x0, [0], new Rng(0))).toThrow(/one index per point \(2\), got 1/);
    expect(() => qSample(schedule, x0, [0, -2], new Rng(0))).toThrow(/t\[1\] must be an integer/);
    expect(() => qSample(schedule, x0, 0, new Float64Array(3))).toThrow(/noise must have the length of x0 \(4\)/);
    expect(() => qSample(schedule, new Float64Array(3), 0, new Rng(0))).toThrow(/even length/);
  });
});

describe("forwardChain", () => {
  it("records copies at the requested indices in ascending order and leaves x0 alone", () => {
    const x0 = makeDataset("ring", { n: 5 });
    const before = Float64Array.from(x0);
    const records = forwardChain(schedule, x0, new Rng(1), { record: [99, -1, 9, 99] });
    expect([...records.keys()]).toEqual([-1, 9, 99]);
    expect(records.get(-1)).toEqual(before);
    expect(records.get(-1)).not.toBe(x0);
    expect(x0).toEqual(before);
    expect([...forwardChain(schedule, x0, new Rng(1)).keys()]).toEqual([999]);
    expect(forwardChain(schedule, x0, new Rng(1), { record: [9] }).get(9)).toEqual(records.get(9));
    expect(forwardChain(schedule, x0, new Rng(1), { record: [] }).size).toBe(0);
    expect(() => forwardChain(schedule, x0, new Rng(1), { record: [1000] })).toThrow(/record index must be/);
  });

  it("equals the closed form sample by sample after one step (same ε stream, ᾱ_1 = α_1)", () => {
    const x0 = makeDataset("spiral", { n: 100 });
    const chain = forwardChain(schedule, x0, new Rng(7), { record: [0] }).get(0)!;
    const closed = qSample(schedule, x0, 0, new Rng(7)).xt;
    for (let j = 0; j < x0.length; j++) expect(chain[j]).toBeCloseTo(closed[j], 14);
  });

  it("agrees with the closed form in law at t = 10, 100, 500, 1000", () => {
    const n = 4000;
    // Off-centre and wide, so that the marginals move a lot with t and the KS checks have power.
    const x0 = makeDataset("spiral", { n, scale: 2 }).map((v, j) => (j % 2 === 0 ? v + 2 : v));
    const indices = [9, 99, 499, 999];
    const chain = forwardChain(schedule, x0, new Rng(11), { record: indices });
    const critical = 1.95 * Math.sqrt(2 / n); // two-sample KS at α = 0.001
    for (const t of indices) {
      const ab = alphaBar(t);
      const fromChain = chain.get(t)!;
      const fromClosed = qSample(schedule, x0, t, new Rng(100 + t)).xt;
      // Given x_0, x_t − √ᾱ x_0 ~ N(0, (1 − ᾱ) I): check its mean and variance over all 2n coordinates.
      for (const xt of [fromChain, fromClosed]) {
        let sum = 0;
        let sumSquares = 0;
        for (let j = 0; j < 2 * n; j++) {
          const r = xt[j] - Math.sqrt(ab) * x0[j];
          sum += r;
          sumSquares += r * r;
        }
        const m = sum / (2 * n);
        const variance = sumSquares / (2 * n) - m * m;
        expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt((1 - ab) / (2 * n)));
        expect(Math.abs(variance / (1 - ab) - 1)).toBeLessThan(5 * Math.sqrt(2 / (2 * n)));
      }
      // The marginals of x_t from both routes are the same distribution.
      for (const c of [0, 1] as const) {
        expect(ks(coordinate(fromChain, c), coordinate(fromClosed, c))).toBeLessThan(critical);
      }
    }
    // The KS check has power: the chain at t = 100 (ᾱ ≈ 0.90) is far from the closed form at t = 300 (ᾱ ≈ 0.39).
    const wrong = qSample(schedule, x0, 299, new Rng(5)).xt;
    expect(ks(coordinate(chain.get(99)!, 0), coordinate(wrong, 0))).toBeGreaterThan(2 * critical);
  });
});
