/**
 * The denoising page's math: the q-blend of a noise prediction and its error (hand values and the
 * quadratic in q). Its worked reverse step is tested in reverseStep.test.ts.
 */
import { describe, expect, it } from "vitest";
import { bestBlend, blendNoise, noiseError } from "../../src/core/denoisingTask.js";
import { Rng } from "../../src/core/random.js";

describe("blendNoise and noiseError", () => {
  const eps = Float64Array.from([0.3, -0.4, 1.0, 2.0]);
  const truth = Float64Array.from([0.5, -0.5, 0.0, 1.5]);

  it("scores by hand: Σ(ε̂ − ε)² = 0.04 + 0.01 + 1 + 0.25 = 1.3 over 2 points and 4 coordinates", () => {
    const error = noiseError(eps, truth);
    expect(error.perPoint).toBeCloseTo(0.65, 15);
    expect(error.perCoordinate).toBeCloseTo(0.325, 15);
  });

  it("predicts zeros at q = 0 (error = mean ‖ε‖²) and the reference at q = 1", () => {
    expect(blendNoise(eps, 0).every((v) => v === 0)).toBe(true); // −0 for negative ε̂, which is 0
    // ‖ε‖² of the two points: 0.25 + 0.25 = 0.5 and 0 + 2.25 = 2.25, mean 1.375.
    expect(noiseError(blendNoise(eps, 0), truth).perPoint).toBeCloseTo(1.375, 15);
    expect(Array.from(blendNoise(eps, 1))).toEqual(Array.from(eps));
    expect(Array.from(blendNoise(eps, 0.5))).toEqual([0.15, -0.2, 0.5, 1]);
  });

  it("follows the quadratic q² E‖ε̂‖² − 2q E[ε̂·ε] + E‖ε‖² and bottoms out at bestBlend", () => {
    const rng = new Rng(7);
    const reference = rng.normals(200);
    const noise = rng.normals(200);
    const mean = (f: (i: number) => number) => {
      let s = 0;
      for (let i = 0; i < 200; i++) s += f(i);
      return s / 100; // per point: 100 points of 2 coordinates
    };
    const a = mean((i) => reference[i] ** 2);
    const b = mean((i) => reference[i] * noise[i]);
    const c = mean((i) => noise[i] ** 2);
    for (const q of [0, 0.25, 0.7, 1]) {
      expect(noiseError(blendNoise(reference, q), noise).perPoint).toBeCloseTo(q * q * a - 2 * q * b + c, 12);
    }
    expect(bestBlend(reference, noise)).toBeCloseTo(b / a, 12);
    // ε̂ = 2ε is best scaled by exactly ½.
    expect(bestBlend(Float64Array.from(noise, (v) => 2 * v), noise)).toBeCloseTo(0.5, 14);
    expect(bestBlend(new Float64Array(4), truth)).toBeUndefined();
  });

  it("refuses q outside [0, 1] and mismatched lengths", () => {
    expect(() => blendNoise(eps, 1.5)).toThrow(/q must be a number in \[0, 1\]/);
    expect(() => blendNoise(eps, NaN)).toThrow(RangeError);
    expect(() => noiseError(eps, truth.subarray(0, 2))).toThrow(/length of truth/);
    expect(() => noiseError(new Float64Array(3), new Float64Array(3))).toThrow(/even length/);
  });
});
