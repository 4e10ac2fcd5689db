import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { evaluate } from "../../src/core/metrics.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";
import { makeSchedule } from "../../src/core/schedule.js";

describe("sampling with the oracle denoiser on the spiral", () => {
  const schedule = makeSchedule();
  const spiral = makeDataset("spiral");
  const oracle = oracleDenoiser(schedule, spiral);

  it("lands on the data with 1000 DDPM steps (precision ≥ 0.9)", async () => {
    const { samples } = await sample({ schedule, denoiser: oracle, sampler: "ddpm", steps: 1000, n: 256, seed: 11 });
    const metrics = evaluate(samples, spiral);
    expect(metrics.precision).toBeGreaterThanOrEqual(0.9);
    // Pure noise scores far worse: the metric can tell the two apart.
    const noise = evaluate(makeDataset("blob", { n: 256, seed: 3 }), spiral);
    expect(noise.precision).toBeLessThan(0.6);
    expect(metrics.swd).toBeLessThan(noise.swd / 2);
  });

  it("lands on the data with 20 DPM-Solver++ steps, and 2 DDIM steps do not", async () => {
    const good = await sample({ schedule, denoiser: oracle, sampler: "dpm-solver++", steps: 20, n: 256, seed: 5 });
    expect(evaluate(good.samples, spiral).precision).toBeGreaterThanOrEqual(0.9);
    // Two deterministic steps jump from noise to the posterior mean at t = 500: points inside the curve.
    const coarse = await sample({ schedule, denoiser: oracle, sampler: "ddim", steps: 2, n: 256, seed: 5 });
    expect(evaluate(coarse.samples, spiral).precision).toBeLessThan(0.9);
  });
});
