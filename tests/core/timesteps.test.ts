import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import { logSnrGrid } from "../../src/core/timesteps.js";
import { makeDataset } from "../../src/core/datasets.js";
import { evaluate } from "../../src/core/metrics.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";

describe("logsnr spacing", () => {
  const schedule = makeSchedule();

  it("starts at T − 1, decreases strictly and spaces ln SNR evenly", () => {
    for (const steps of [1, 2, 3, 10, 37, 100, 999, 1000]) {
      const grid = logSnrGrid(schedule.logSnr, steps);
      expect(grid).toHaveLength(steps);
      expect(grid[0]).toBe(999);
      for (let k = 1; k < steps; k++) expect(grid[k]).toBeLessThan(grid[k - 1]);
      expect(grid.at(-1)).toBeGreaterThanOrEqual(0);
    }
    expect(logSnrGrid(schedule.logSnr, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
    // With room to spare, each entry is the index nearest its target (top + k/steps · (bottom − top)).
    const steps = 10;
    const grid = logSnrGrid(schedule.logSnr, steps);
    const top = schedule.logSnr[999];
    const bottom = schedule.logSnr[0];
    grid.forEach((index, k) => {
      const target = top + (k / steps) * (bottom - top);
      let nearest = 0;
      for (let i = 0; i < 1000; i++) {
        if (Math.abs(schedule.logSnr[i] - target) < Math.abs(schedule.logSnr[nearest] - target)) nearest = i;
      }
      expect(index).toBe(nearest);
    });
  });

  it("falls back to every index when steps = T, even for a short schedule", () => {
    const short = makeSchedule({ ...DEFAULT_SCHEDULE, T: 10 });
    expect(logSnrGrid(short.logSnr, 10)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(() => logSnrGrid(short.logSnr, 11)).toThrow(/steps must be an integer from 1 to T \(10\)/);
  });

  it("gives few-step DPM-Solver++ a better sample than the trailing grid (oracle on the spiral)", async () => {
    const spiral = makeDataset("spiral");
    const denoiser = oracleDenoiser(schedule, spiral);
    const run = (spacing: "trailing" | "logsnr") =>
      sample({ schedule, denoiser, sampler: "dpm-solver++", steps: 8, n: 256, seed: 3, spacing });
    const trailing = evaluate((await run("trailing")).samples, spiral);
    const logsnr = evaluate((await run("logsnr")).samples, spiral);
    expect(logsnr.swd).toBeLessThan(trailing.swd);
    expect(logsnr.precision).toBeGreaterThan(trailing.precision);
  });
});

describe("clipX0", () => {
  it("keeps an ε-model's few-step samples in range where ᾱ_T ≈ 0 (cosine) and changes nothing within range", async () => {
    const cosine = makeSchedule({ kind: "cosine", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    // An ε-denoiser with a 5 % error: the exact noise of a data point at the origin, scaled by 1.05.
    const biased = { parameterization: "eps" as const, predict: (x: Float64Array, t: number) => x.map((v) => (1.05 * v) / Math.sqrt(1 - cosine.alphaBars[t])) };
    const run = (clipX0?: number) =>
      sample({ schedule: cosine, denoiser: biased, sampler: "ddim", steps: 10, n: 64, seed: 1, clipX0, trajectory: true });
    // x̂0 = (x − 1.05 x) / √ᾱ_T: a 5 % error in ε̂ times 1/√ᾱ_T ≈ 2·10⁴ at the first step.
    const wild = (await run()).trajectory!;
    const clipped = (await run(2)).trajectory!;
    expect(Math.max(...wild.x0[0].map(Math.abs))).toBeGreaterThan(100);
    expect(Math.max(...clipped.x0.flatMap((x0) => Array.from(x0, Math.abs)))).toBeLessThanOrEqual(2);
    expect(Math.max(...wild.xt[1].map(Math.abs))).toBeGreaterThan(5 * Math.max(...clipped.xt[1].map(Math.abs)));
    // A denoiser whose x̂0 stays inside the limit is untouched.
    const spiral = makeDataset("spiral");
    const oracle = oracleDenoiser(schedule(), spiral);
    const plain = await sample({ schedule: schedule(), denoiser: oracle, sampler: "ddim", steps: 5, n: 16, seed: 2 });
    const wide = await sample({ schedule: schedule(), denoiser: oracle, sampler: "ddim", steps: 5, n: 16, seed: 2, clipX0: 10 });
    expect(wide.samples).toEqual(plain.samples);
    await expect(run(0)).rejects.toThrow(/clipX0 must be a finite number > 0/);
  });
});

function schedule() {
  return makeSchedule();
}
