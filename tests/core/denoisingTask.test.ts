/**
 * The denoising page's math: the q-blend of a noise prediction and its error (hand values and the
 * quadratic in q), and one worked reverse step (hand values from numpy for a two-step schedule, and the
 * DDPM sampler's own update on the default schedule).
 */
import { describe, expect, it } from "vitest";
import { bestBlend, blendNoise, noiseError } from "../../src/core/denoisingTask.js";
import { reverseStepNumbers } from "../../src/core/reverseStep.js";
import { Rng } from "../../src/core/random.js";
import { DdpmSampler } from "../../src/core/samplers/ddpm.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";

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

describe("reverseStepNumbers", () => {
  // β = (0.1, 0.2): ᾱ = (0.9, 0.72). numpy: coefX0 = 0.2·√0.9/0.28, coefXt = √0.8·0.1/0.28, β̃ = 0.2·0.1/0.28.
  const toy = makeSchedule({ kind: "linear", T: 2, betaStart: 0.1, betaEnd: 0.2 });
  const xt = [0.5, -1.2];
  const x0 = [0.3, -0.9];
  const z = [1.5, -0.5];

  it("matches numpy at t = 2 → 1 with σ² = β̃ and with σ² = β", () => {
    const step = reverseStepNumbers(toy, 1, xt, x0, z);
    expect(step.alphaBar).toBeCloseTo(0.72, 15);
    expect(step.alphaBarPrev).toBeCloseTo(0.9, 15);
    expect(step.coefX0).toBeCloseTo(0.6776309271789387, 14);
    expect(step.coefXt).toBeCloseTo(0.31943828249996997, 14);
    expect(step.sigma).toBeCloseTo(0.2672612419124244, 14);
    expect(step.mean[0]).toBeCloseTo(0.36300842, 8);
    expect(step.mean[1]).toBeCloseTo(-0.99319377, 8);
    expect(step.xPrev[0]).toBeCloseTo(0.76390028, 8);
    expect(step.xPrev[1]).toBeCloseTo(-1.12682439, 8);
    const wide = reverseStepNumbers(toy, 1, xt, x0, z, "beta");
    expect(wide.sigma).toBeCloseTo(Math.sqrt(0.2), 14);
    expect(wide.xPrev[0]).toBeCloseTo(1.03382881, 8);
    expect(wide.xPrev[1]).toBeCloseTo(-1.21680057, 8);
  });

  it("lands on x̂_0 with no noise at t = 1 → 0 (coefX0 = 1, coefXt = 0, z = 0)", () => {
    for (const variance of ["betaTilde", "beta"] as const) {
      const step = reverseStepNumbers(toy, 0, xt, x0, z, variance);
      expect(step.coefX0).toBeCloseTo(1, 15);
      expect(step.coefXt).toBe(0);
      expect(step.sigma).toBe(0);
      expect(step.z).toEqual([0, 0]);
      expect(step.xPrev[0]).toBeCloseTo(0.3, 15);
      expect(step.xPrev[1]).toBeCloseTo(-0.9, 15);
    }
  });

  it("is the DDPM sampler's update on the full grid", () => {
    const schedule = makeSchedule(DEFAULT_SCHEDULE);
    for (const [t, variance] of [[499, "betaTilde"], [999, "beta"], [1, "betaTilde"]] as const) {
      const point = Float64Array.from([0.8, -0.3]);
      const prediction = Float64Array.from([0.6, -0.1]);
      const draw = new Rng(11);
      const z = [draw.normal(), draw.normal()];
      const sampled = new DdpmSampler(schedule, variance).step({
        x: point,
        x0: prediction,
        eps: new Float64Array(2), // unused by DDPM's posterior form
        t,
        prev: t - 1,
        rng: new Rng(11),
      });
      const step = reverseStepNumbers(schedule, t, point, prediction, z, variance);
      expect(step.xPrev[0]).toBeCloseTo(sampled[0], 12);
      expect(step.xPrev[1]).toBeCloseTo(sampled[1], 12);
    }
  });

  it("refuses a bad t, variance or length", () => {
    expect(() => reverseStepNumbers(toy, 2, xt, x0, z)).toThrow(/t must be an integer from 0 to 1/);
    expect(() => reverseStepNumbers(toy, -1, xt, x0, z)).toThrow(RangeError);
    expect(() => reverseStepNumbers(toy, 1, xt, x0, z, "huge" as never)).toThrow(/variance/);
    expect(() => reverseStepNumbers(toy, 1, xt, [1], z)).toThrow(/length of xt/);
  });
});
