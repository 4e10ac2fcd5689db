/**
 * The Fields page's core: the learned field against its closed forms on Gaussian data (DDPM's score in
 * every parameterization, flow matching's velocity), the time each frame is shown at, the arrow grid and
 * its layout, the frames of a sampling run, and the step its sampler takes from the field (not along
 * DDPM's score).
 */
import { describe, expect, it } from "vitest";
import { arrowGrid, arrowLayout } from "../../src/core/arrowGrid.js";
import { fieldAgreement } from "../../src/core/fieldAgreement.js";
import { distancesToData, summarizeFrame } from "../../src/core/fieldSummary.js";
import { fieldAlongSampling, type FieldFrame, fieldSampler } from "../../src/core/fieldAlongSampling.js";
import { flowTimeGrid } from "../../src/core/flow/time.js";
import { type FieldModel, fieldTime, learnedField } from "../../src/core/learnedField.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { PARAMETERIZATIONS } from "../../src/core/parameterization.js";
import { quantile } from "../../src/core/quantile.js";
import { Rng } from "../../src/core/random.js";
import { sample } from "../../src/core/sample.js";
import { END_OF_SAMPLING, type PathWeights, samplerStep } from "../../src/core/samplerStep.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import { logSnrGrid } from "../../src/core/timesteps.js";
import { gaussianDenoiser } from "../support/gaussianDenoiser.js";
import { gaussianVelocity, gaussianVelocityDenoiser, type IsotropicGaussian } from "../support/gaussianVelocity.js";

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const schedule = makeSchedule(DEFAULT_SCHEDULE);
const s = 0.7;
/** N(0, s²I) as the DDPM closed form takes it. */
const centred = { mean: [0, 0] as [number, number], cov: [s * s, 0, s * s] as [number, number, number] };
/** Off the origin and elongated, so that the score at t = T (nearly −x) and the data's pull differ. */
const offCentre = { mean: [0.8, -0.4] as [number, number], cov: [0.3, 0.1, 0.2] as [number, number, number] };
/** Offset and far narrower than the noise: most of the plane is far from the data at small t. */
const concentrated = { mean: [0.8, -0.4] as [number, number], cov: [0.004, 0.001, 0.002] as [number, number, number] };
const points = Float64Array.of(0, 0, 1, 0, -0.5, 2, 3, -3, 0.2, -0.1);

describe("learnedField", () => {
  it("is DDPM's score −x / (ᾱ s² + 1 − ᾱ) on N(0, s²I) data, whatever the model predicts", async () => {
    for (const parameterization of PARAMETERIZATIONS) {
      const model = { denoiser: gaussianDenoiser(centred, schedule, parameterization), schedule };
      for (const index of [0, 10, 250, 999]) {
        const alphaBar = schedule.alphaBars[index];
        const exact = points.map((x) => -x / (alphaBar * s * s + 1 - alphaBar));
        const got = await learnedField(model, points, index);
        // Relative to the field's size: at index 0 it reaches 3 / (ᾱ s² + β₁) ≈ 6.
        expect(maxDiff(got, exact) / Math.max(...exact.map(Math.abs)), `${parameterization}, index ${index}`).toBeLessThan(1e-9);
      }
    }
  });

  it("is flow matching's velocity itself on Gaussian data", async () => {
    const g: IsotropicGaussian = { mean: [0.8, -0.4], sigma: 0.6 };
    const model = { denoiser: gaussianVelocityDenoiser(g) };
    for (const t of [0.05, 0.5, 1]) {
      expect(maxDiff(await learnedField(model, points, t), gaussianVelocity(g, points, t)), `t = ${t}`).toBeLessThan(1e-12);
    }
  });

  it("needs a schedule for DDPM and a time the model was trained at", async () => {
    await expect(learnedField({ denoiser: gaussianDenoiser(centred, schedule, "eps") }, points, 5)).rejects.toThrow(/schedule is required/);
    await expect(learnedField({ denoiser: gaussianDenoiser(centred, schedule, "eps"), schedule }, points, 1000)).rejects.toThrow(/index from 0 to 999, got 1000/);
    await expect(learnedField({ denoiser: gaussianVelocityDenoiser({ mean: [0, 0], sigma: 1 }) }, points, 1.5)).rejects.toThrow(/\[0, 1\], got 1.5/);
  });
});

describe("fieldTime", () => {
  it("shows DDPM's index i as paper time i + 1, with √ᾱ and √(1 − ᾱ) at it", () => {
    const model = { denoiser: gaussianDenoiser(centred, schedule, "eps"), schedule };
    expect(fieldTime(model, 0)).toEqual({ time: 0, t: 1, signal: Math.sqrt(schedule.alphaBars[0]), noise: Math.sqrt(1 - schedule.alphaBars[0]) });
    const last = fieldTime(model, 999);
    expect(last.t).toBe(1000);
    // β from 1e-4 to 0.02: ᾱ_1000 ≈ 4e-5, nearly all noise.
    expect(last.signal).toBeCloseTo(Math.sqrt(schedule.alphaBars[999]), 15);
    expect(last.signal).toBeLessThan(0.01);
    expect(last.noise).toBeGreaterThan(0.9999);
    expect(() => fieldTime(model, 2.5)).toThrow(/schedule index/);
  });

  it("shows a flow path time as itself, x_t = (1 − t) x₀ + t ε", () => {
    expect(fieldTime({ denoiser: gaussianVelocityDenoiser({ mean: [0, 0], sigma: 1 }) }, 0.25)).toEqual({ time: 0.25, t: 0.25, signal: 0.75, noise: 0.25 });
  });
});

describe("arrowGrid", () => {
  it("puts count × count cell centres row by row from the top-left, one at the origin when count is odd", () => {
    const grid = arrowGrid(1.5, 3);
    expect(grid.cell).toBe(1);
    expect([...grid.points]).toEqual([-1, 1, 0, 1, 1, 1, -1, 0, 0, 0, 1, 0, -1, -1, 0, -1, 1, -1]);
    const even = arrowGrid(2, 4);
    expect(even.points.length).toBe(32);
    expect([...even.points.subarray(0, 8)]).toEqual([-1.5, 1.5, -0.5, 1.5, 0.5, 1.5, 1.5, 1.5]);
  });

  it("refuses a grid it cannot lay out", () => {
    expect(() => arrowGrid(0, 3)).toThrow(/extent must be a positive number, got 0/);
    expect(() => arrowGrid(1, 2.5)).toThrow(/count must be an integer from 1 to 200, got 2.5/);
  });
});

describe("arrowLayout", () => {
  it("points each arrow clockwise from up, as Plot's vector mark rotates", () => {
    const { angle } = arrowLayout(Float64Array.of(0, 1, 2, 0, 0, -3, -1, 0, 1, 1), 1);
    expect([...angle]).toEqual([0, 90, 180, -90, 45]);
  });

  it("draws the chosen quantile of the magnitudes one cell long (times fill), shorter ones in proportion, and cuts longer ones", () => {
    // Magnitudes 1, 2, 3, 4 and 100: the 0.8-quantile is 4.
    const vectors = Float64Array.of(1, 0, 0, 2, -3, 0, 0, -4, 60, 80);
    const layout = arrowLayout(vectors, 0.5, { quantile: 0.8, fill: 0.8 });
    expect(layout.reference).toBe(4);
    expect(layout.capped).toBe(1);
    expect(maxDiff(layout.length, [0.1, 0.2, 0.3, 0.4, 0.4])).toBeLessThan(1e-15);
    expect(arrowLayout(vectors, 0.5, { quantile: 1 }).capped).toBe(0);
    // A field that is zero everywhere draws no arrows rather than dividing by zero.
    expect([...arrowLayout(new Float64Array(4), 1).length]).toEqual([0, 0]);
  });

  it("draws every nonzero arrow full length with equal lengths, and to a given reference when asked", () => {
    const vectors = Float64Array.of(1, 0, 0, 0, 0, -30);
    expect([...arrowLayout(vectors, 2, { lengths: "equal", fill: 0.5 }).length]).toEqual([1, 0, 1]);
    const scaled = arrowLayout(vectors, 2, { reference: 10, fill: 0.5 });
    expect(scaled.reference).toBe(10);
    expect([...scaled.length]).toEqual([0.1, 0, 1]);
    expect(scaled.capped).toBe(1);
    expect(() => arrowLayout(vectors, 2, { reference: 0 })).toThrow(/reference must be a positive number, got 0/);
    expect(() => arrowLayout(vectors, 2, { lengths: "log" as "equal" })).toThrow(/lengths must be one of proportional, equal, got log/);
  });

  it("refuses options outside their range", () => {
    expect(() => arrowLayout([1, 0], 1, { quantile: 0 })).toThrow(/quantile must be in \(0, 1\]/);
    expect(() => arrowLayout([1, 0], 1, { fill: 1.5 })).toThrow(/fill must be in \(0, 1\]/);
    expect(() => arrowLayout([1, 0, 1], 1)).toThrow(/even length/);
  });
});

describe("fieldAlongSampling", () => {
  const grid = arrowGrid(3, 5).points;

  it("gives a flow model one frame per Euler step, the points moving along −v̂ of their frame", async () => {
    const g: IsotropicGaussian = { mean: [0.5, -0.5], sigma: 0.4 };
    const model = { denoiser: gaussianVelocityDenoiser(g) };
    expect(fieldSampler(model)).toEqual({ sampler: "euler" });
    const steps = 8;
    const run = await fieldAlongSampling(model, { steps, n: 16, seed: 2, grid });
    expect(run.frames.map((f) => f.t)).toEqual(flowTimeGrid(steps).slice(0, steps));
    for (let k = 0; k < steps; k++) {
      const { samples, field, t } = run.frames[k];
      expect(maxDiff(field, gaussianVelocity(g, grid, t))).toBeLessThan(1e-12);
      if (k + 1 === steps) break;
      const next = run.frames[k + 1].samples;
      const euler = samples.map((x, i) => x - gaussianVelocity(g, samples, t)[i] / steps);
      expect(maxDiff(next, euler), `step ${k}`).toBeLessThan(1e-12);
    }
  });

  it("gives a DDPM model DDIM's frames on the log-SNR grid, starting from x_T at t = T, with the score on the grid", async () => {
    const model = { denoiser: gaussianDenoiser(centred, schedule, "eps"), schedule };
    const steps = 12;
    const run = await fieldAlongSampling(model, { steps, n: 64, seed: 1, grid });
    expect(run.sampler).toBe("ddim");
    expect(run.frames.map((f) => f.time)).toEqual(logSnrGrid(schedule.logSnr, steps));
    expect(run.frames[0].t).toBe(1000);
    for (const { time, field } of run.frames) {
      const alphaBar = schedule.alphaBars[time];
      const exact = grid.map((x) => -x / (alphaBar * s * s + 1 - alphaBar));
      expect(maxDiff(field, exact) / Math.max(...exact.map(Math.abs))).toBeLessThan(1e-9);
    }
    // The points are those of the same run sampled directly, from x_T on.
    const direct = await sample({ ...fieldSampler(model), denoiser: model.denoiser, schedule, steps, n: 64, seed: 1, trajectory: true });
    expect(run.frames.map((f) => f.samples)).toEqual(direct.trajectory!.xt);
    expect(run.frames[0].samples).toEqual(direct.xT);
  });
});

interface Move {
  frame: FieldFrame;
  next: PathWeights;
  /** The learned field at the frame's points. */
  field: Float64Array;
  /** Each point's move to the next frame (the last frame's, to the final samples). */
  moved: Float64Array;
}

describe("samplerStep", () => {
  const grid = arrowGrid(3, 5).points;
  /** The run's actual moves, frame to frame (the last to the final samples), beside the field at the points moved. */
  async function moves(model: FieldModel, steps: number): Promise<Move[]> {
    const run = await fieldAlongSampling(model, { steps, n: 64, seed: 3, grid });
    const direct = await sample({ ...fieldSampler(model), denoiser: model.denoiser, schedule: model.schedule, steps, n: 64, seed: 3 });
    return Promise.all(run.frames.map(async (frame, k) => {
      const after = run.frames[k + 1]?.samples ?? direct.samples;
      return {
        frame,
        next: run.frames[k + 1] ?? END_OF_SAMPLING,
        field: await learnedField(model, frame.samples, frame.time),
        moved: after.map((x, i) => x - frame.samples[i]),
      };
    }));
  }

  it("is DDIM's step, from the score, at every frame of a DDPM run down to x₀", async () => {
    const model = { denoiser: gaussianDenoiser(offCentre, schedule, "v"), schedule };
    for (const { frame, next, field, moved } of await moves(model, 12)) {
      const step = samplerStep("ddpm", field, frame.samples, frame, next);
      expect(maxDiff(step, moved) / Math.max(...moved.map(Math.abs)), `t = ${frame.t}`).toBeLessThan(1e-9);
    }
  });

  it("is Euler's step, exactly along −v̂, at every frame of a flow run", async () => {
    const g: IsotropicGaussian = { mean: [0.5, -0.5], sigma: 0.4 };
    for (const { frame, next, field, moved } of await moves({ denoiser: gaussianVelocityDenoiser(g) }, 8)) {
      const step = samplerStep("flow-matching", field, frame.samples, frame, next);
      expect(maxDiff(step, moved), `t = ${frame.t}`).toBeLessThan(1e-12);
      expect(fieldAgreement(moved, field).medianAngle, `t = ${frame.t}`).toBeCloseTo(180, 6);
    }
  });

  it("moves DDPM's points across the score near t = T, a fraction of a percent of |x|, and along it late for concentrated data", async () => {
    const relative = ({ frame, moved }: Move) =>
      quantile(Array.from({ length: moved.length / 2 }, (_, i) => Math.hypot(moved[2 * i], moved[2 * i + 1]) / Math.hypot(frame.samples[2 * i], frame.samples[2 * i + 1])), 0.5);
    const angle = ({ moved, field }: Move) => fieldAgreement(moved, field).medianAngle;
    // At t = T the score is nearly −x, and the step's two terms nearly cancel: what is left is the pull
    // of the data's mean and shape, across the score, not along it.
    const wide = await moves({ denoiser: gaussianDenoiser(offCentre, schedule, "eps"), schedule }, 24);
    expect(wide[0].frame.t).toBe(1000);
    expect(relative(wide[0])).toBeLessThan(0.01);
    expect(angle(wide[0])).toBeGreaterThan(45);
    // Data concentrated near a point (as a spiral is near its curve): in the last frames (x_t over 99 % x₀) the score,
    // ~1/σ_t², outgrows the (a − 1)·x term and the step follows it; on wide data it never quite does.
    const narrow = await moves({ denoiser: gaussianDenoiser(concentrated, schedule, "eps"), schedule }, 24);
    expect(angle(narrow[0])).toBeGreaterThan(45);
    const late = (run: Move[]) => run.filter(({ frame }) => frame.signal > 0.99);
    expect(late(narrow).length).toBeGreaterThan(3);
    for (const move of late(narrow)) expect(angle(move), `t = ${move.frame.t}`).toBeLessThan(4);
    expect(quantile(late(wide).map(angle), 0.5)).toBeGreaterThan(10);
  });

  it("refuses a step to more noise and fields that do not fit the points", () => {
    const from = { signal: 0.5, noise: 0.8 };
    expect(() => samplerStep("ddpm", [1, 0], [1, 0], from, { signal: 0.4, noise: 0.9 })).toThrow(/less noise, from 0.8 to 0.9/);
    expect(() => samplerStep("ddpm", [1, 0], [1, 0], { signal: 0, noise: 1 }, END_OF_SAMPLING)).toThrow(/signal above 0, got 0/);
    expect(() => samplerStep("flow-matching", [1, 0], [1, 0, 0, 1], from, END_OF_SAMPLING)).toThrow(/equal, even lengths, got 2 and 4/);
  });
});

describe("fieldAgreement", () => {
  it("measures the median angle between arrows and the median ratio of their lengths", () => {
    const exact = Float64Array.of(1, 0, 0, 1, -1, -1);
    expect(fieldAgreement(exact, exact)).toEqual({ medianAngle: 0, medianRatio: 1 });
    // Each arrow turned a quarter turn and doubled.
    const turned = Float64Array.of(0, 2, -2, 0, 2, -2);
    const agreement = fieldAgreement(turned, exact);
    expect(agreement.medianAngle).toBeCloseTo(90, 12);
    expect(agreement.medianRatio).toBeCloseTo(2, 12);
    expect(fieldAgreement(exact.map((v) => -v), exact).medianAngle).toBeCloseTo(180, 12);
  });

  it("leaves out points where either field is zero, and refuses fields of different sizes", () => {
    expect(fieldAgreement(Float64Array.of(0, 0, 3, 0), Float64Array.of(1, 0, 0, 3))).toEqual({ medianAngle: 90, medianRatio: 1 });
    expect(fieldAgreement(Float64Array.of(0, 0), Float64Array.of(1, 0)).medianAngle).toBeNaN();
    expect(() => fieldAgreement([1, 0], [1, 0, 0, 1])).toThrow(/equal, even lengths, got 2 and 4/);
  });

  it("finds a learned field close to the exact one when it is the exact one of the data's law", async () => {
    // The exact denoiser of N(0, s²I) against the oracle of 4,000 draws from it: close, not equal.
    const data = Float64Array.from(new Rng(5).normals(8000), (z) => s * z);
    const grid = arrowGrid(1, 5).points;
    for (const index of [100, 500]) {
      const learned = await learnedField({ denoiser: gaussianDenoiser(centred, schedule, "eps"), schedule }, grid, index);
      const exact = await learnedField({ denoiser: oracleDenoiser(schedule, data), schedule }, grid, index);
      const agreement = fieldAgreement(learned, exact);
      expect(agreement.medianAngle, `index ${index}`).toBeLessThan(5);
      expect(Math.abs(agreement.medianRatio - 1), `index ${index}`).toBeLessThan(0.05);
    }
  });
});

describe("summarizeFrame", () => {
  it("splits the grid into points near the data and far from it, and compares each part", () => {
    const data = Float64Array.of(0, 0);
    /** Off the origin and elongated, so that the score at t = T (nearly −x) and the data's pull differ. */
const offCentre = { mean: [0.8, -0.4] as [number, number], cov: [0.3, 0.1, 0.2] as [number, number, number] };
const points = Float64Array.of(0.1, 0, 2, 0, 0, -0.5);
    const distances = distancesToData(points, data);
    expect(maxDiff(distances, [0.1, 2, 0.5])).toBeLessThan(1e-15);
    // Learned: right near the data (point 0), half as long far from it (point 1), turned in between (point 2).
    const exact = Float64Array.of(-1, 0, -20, 0, 0, 5);
    const learned = Float64Array.of(-1, 0, -10, 0, 5, 0);
    const summary = summarizeFrame(learned, exact, distances);
    expect(summary.medianMagnitude).toBe(5);
    expect(summary.near).toEqual({ medianAngle: 0, medianRatio: 1, points: 1 });
    expect(summary.far).toEqual({ medianAngle: 0, medianRatio: 0.5, points: 1 });
    expect(summary.all.medianAngle).toBe(0);
    expect(() => summarizeFrame(learned, exact, [1, 2])).toThrow(/one value per point \(3\), got 2/);
  });
});
