import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { Rng } from "../../src/core/random.js";
import { makeSchedule } from "../../src/core/schedule.js";

const schedule = makeSchedule({ kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });

/** ᾱ at index t recomputed from scratch: ∏_{s ≤ t} (1 − β_s), β linear from 1e-4 to 0.02. */
function alphaBar(t: number): number {
  let product = 1;
  for (let s = 0; s <= t; s++) product *= 1 - (1e-4 + ((0.02 - 1e-4) * s) / 999);
  return product;
}

/** The posterior mean the slow, obvious way: full squared distances, Math.exp, max subtracted. */
function naivePosteriorMean(data: Float64Array, qx: number, qy: number, ab: number): [number, number] {
  const a = Math.sqrt(ab);
  const m = data.length / 2;
  const logits = Array.from(
    { length: m },
    (_, i) => -((qx - a * data[2 * i]) ** 2 + (qy - a * data[2 * i + 1]) ** 2) / (2 * (1 - ab)),
  );
  const max = Math.max(...logits);
  let total = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < m; i++) {
    const w = Math.exp(logits[i] - max);
    total += w;
    x += w * data[2 * i];
    y += w * data[2 * i + 1];
  }
  return [x / total, y / total];
}

describe("oracleDenoiser", () => {
  it("predicts x0 with one output per input coordinate", () => {
    const oracle = oracleDenoiser(schedule, makeDataset("ring", { n: 10 }));
    expect(oracle.parameterization).toBe("x0");
    expect((oracle.predict(new Float64Array(6), 3) as Float64Array).length).toBe(6);
  });

  it("equals the hand-computed posterior on two points", () => {
    // Data ±(1, 0): w± ∝ exp(±a x/(1 − ᾱ)), so E[x0 | x_t] = (tanh(a x/(1 − ᾱ)), 0).
    const oracle = oracleDenoiser(schedule, new Float64Array([-1, 0, 1, 0]));
    for (const t of [0, 5, 50, 300, 700, 999]) {
      const ab = alphaBar(t);
      const xs = [-2, -0.3, -0.01, 0, 0.02, 0.5, 1.7];
      const out = oracle.predict(new Float64Array(xs.flatMap((x) => [x, 0.4])), t) as Float64Array;
      xs.forEach((x, i) => {
        expect(out[2 * i]).toBeCloseTo(Math.tanh((Math.sqrt(ab) * x) / (1 - ab)), 12);
        expect(out[2 * i + 1]).toBe(0);
      });
    }
    // Data (0, 0), (2, 1) at t = 300, x_t = (0.3, 0.1): numpy gives (0.57328238, 0.28664119).
    const twoPoints = oracleDenoiser(schedule, new Float64Array([0, 0, 2, 1]));
    const out = twoPoints.predict(new Float64Array([0.3, 0.1]), 299) as Float64Array;
    expect(out[0]).toBeCloseTo(0.57328238, 7);
    expect(out[1]).toBeCloseTo(0.28664119, 7);
  });

  it("matches the naive posterior mean on the spiral at every noise level", () => {
    const data = makeDataset("spiral");
    const oracle = oracleDenoiser(schedule, data);
    const rng = new Rng(3);
    for (const t of [0, 1, 10, 100, 400, 800, 999]) {
      const x = rng.normals(40);
      const out = oracle.predict(x, t) as Float64Array;
      for (let i = 0; i < 20; i++) {
        const [ex, ey] = naivePosteriorMean(data, x[2 * i], x[2 * i + 1], alphaBar(t));
        expect(Math.abs(out[2 * i] - ex)).toBeLessThan(1e-10);
        expect(Math.abs(out[2 * i + 1] - ey)).toBeLessThan(1e-10);
      }
    }
  });

  it("returns the nearest data point at t = 1", () => {
    // A 7×7 grid with spacing 0.3; queries within 0.05 of a scaled grid point are ≥ 300 nats from any other.
    const grid = new Float64Array(98);
    for (let i = 0; i < 49; i++) {
      grid[2 * i] = -0.9 + 0.3 * (i % 7);
      grid[2 * i + 1] = -0.9 + 0.3 * Math.floor(i / 7);
    }
    const oracle = oracleDenoiser(schedule, grid);
    const a = Math.sqrt(alphaBar(0));
    const rng = new Rng(9);
    const x = new Float64Array(200);
    const nearest: number[] = [];
    for (let p = 0; p < 100; p++) {
      const i = rng.int(49);
      nearest.push(i);
      const angle = 2 * Math.PI * rng.uniform();
      x[2 * p] = a * grid[2 * i] + 0.05 * rng.uniform() * Math.cos(angle);
      x[2 * p + 1] = a * grid[2 * i + 1] + 0.05 * rng.uniform() * Math.sin(angle);
    }
    const out = oracle.predict(x, 0) as Float64Array;
    nearest.forEach((i, p) => {
      expect(out[2 * p]).toBeCloseTo(grid[2 * i], 12);
      expect(out[2 * p + 1]).toBeCloseTo(grid[2 * i + 1], 12);
    });
  });

  it("returns the data mean (plus its first-order correction) at t = T", () => {
    // For small a = √ᾱ: E[x0 | x_t] = mean + (a/(1 − ᾱ)) Cov x_t + O(a²), and a ≈ 0.0064 at t = 1000.
    const data = makeDataset("moons");
    const m = data.length / 2;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < m; i++) {
      mx += data[2 * i] / m;
      my += data[2 * i + 1] / m;
    }
    let cxx = 0;
    let cxy = 0;
    let cyy = 0;
    for (let i = 0; i < m; i++) {
      cxx += (data[2 * i] - mx) ** 2 / m;
      cxy += ((data[2 * i] - mx) * (data[2 * i + 1] - my)) / m;
      cyy += (data[2 * i + 1] - my) ** 2 / m;
    }
    const ab = alphaBar(999);
    const k = Math.sqrt(ab) / (1 - ab);
    const x = new Rng(2).normals(200);
    const out = oracleDenoiser(schedule, data).predict(x, 999) as Float64Array;
    for (let p = 0; p < 100; p++) {
      const qx = x[2 * p];
      const qy = x[2 * p + 1];
      expect(Math.hypot(out[2 * p] - mx, out[2 * p + 1] - my)).toBeLessThan(0.03);
      expect(Math.abs(out[2 * p] - (mx + k * (cxx * qx + cxy * qy)))).toBeLessThan(2e-4);
      expect(Math.abs(out[2 * p + 1] - (my + k * (cxy * qx + cyy * qy)))).toBeLessThan(2e-4);
    }
  });

  it("stays finite for far-away x_t at every t and picks the closest scaled point at t = 1", () => {
    const data = makeDataset("spiral");
    const oracle = oracleDenoiser(schedule, data);
    const far = new Float64Array([1e3, -1e3, -5e4, 2e4, 0, 1e6]);
    for (let t = 0; t < 1000; t += 37) {
      const out = oracle.predict(far, t) as Float64Array;
      for (const v of out) {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v)).toBeLessThan(2);
      }
    }
    const a = Math.sqrt(alphaBar(0));
    const out = oracle.predict(far, 0) as Float64Array;
    for (let p = 0; p < 3; p++) {
      let best = 0;
      for (let i = 1; i < data.length / 2; i++) {
        const d = (far[2 * p] - a * data[2 * i]) ** 2 + (far[2 * p + 1] - a * data[2 * i + 1]) ** 2;
        const e = (far[2 * p] - a * data[2 * best]) ** 2 + (far[2 * p + 1] - a * data[2 * best + 1]) ** 2;
        if (d < e) best = i;
      }
      expect(out[2 * p]).toBe(data[2 * best]);
      expect(out[2 * p + 1]).toBe(data[2 * best + 1]);
    }
  });

  it("rejects bad input", () => {
    expect(() => oracleDenoiser(schedule, new Float64Array(0))).toThrow(/at least one interleaved 2D point/);
    expect(() => oracleDenoiser(schedule, new Float64Array([1, NaN]))).toThrow(/data must be finite, got NaN at index 1/);
    const oracle = oracleDenoiser(schedule, new Float64Array([0, 0]));
    expect(() => oracle.predict(new Float64Array(2), 1000)).toThrow(/t must be an integer from 0 to 999, got 1000/);
    expect(() => oracle.predict(new Float64Array(3), 0)).toThrow(/even length/);
    expect(() => oracle.predict(new Float64Array([NaN, 0]), 0)).toThrow(/x must be finite/);
  });
});
