import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import { logSnrGrid, timestepGrid } from "../../src/core/timesteps.js";
import { makeDataset } from "../../src/core/datasets.js";
import { evaluate } from "../../src/core/metrics.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";

describe("timestepGrid", () => {
  it("spaces trailing indices like diffusers (numpy round(arange(T, 0, -T/steps)) - 1)", () => {
    expect(timestepGrid(1000, 10)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(timestepGrid(1000, 1)).toEqual([999]);
    expect(timestepGrid(1, 1)).toEqual([0]);
    expect(timestepGrid(1000, 3)).toEqual([999, 666, 332]);
    expect(timestepGrid(1000, 7)).toEqual([999, 856, 713, 570, 428, 285, 142]);
    // Ties: numpy rounds halves to even (7.5 → 8, 2.5 → 2) ...
    expect(timestepGrid(10, 4)).toEqual([9, 7, 4, 1]);
    // ... and its arange arithmetic puts 3.5 just below the tie here.
    expect(timestepGrid(7, 6)).toEqual([6, 5, 4, 2, 1, 0]);
    const full = timestepGrid(1000, 1000);
    expect(full.length).toBe(1000);
    full.forEach((t, i) => expect(t).toBe(999 - i));
  });

  it("rejects steps outside 1..T", () => {
    for (const steps of [0, 1001, 2.5, Number.NaN]) expect(() => timestepGrid(1000, steps)).toThrow(RangeError);
    expect(() => timestepGrid(0, 1)).toThrow(RangeError);
  });
});

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
