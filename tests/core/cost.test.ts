import { describe, expect, it } from "vitest";
import {
  describeDuration,
  evaluateEstimate,
  MAX_OUTPUT_BYTES,
  qualityEstimate,
  sampleEstimate,
  sampleOutputBytes,
  sampleOutputPoints,
} from "../../src/core/cost.js";
import { Rng } from "../../src/core/random.js";
import { MAX_POINTS, MAX_T } from "../../src/core/settings.js";

const oracle = { kind: "oracle", dataPoints: 2048 } as const;

describe("cost", () => {
  it("bounds the bytes of a sample's JSON from above", () => {
    const n = 1000;
    const rng = new Rng(3);
    const pair = () => [rng.normal() * 10 ** rng.int(9), -rng.uniform() * 10 ** -rng.int(8)];
    const document = { timesteps: Array.from({ length: 1000 }, (_, i) => 99_999 - i), xT: Array.from({ length: n }, pair), samples: Array.from({ length: n }, pair) };
    expect(JSON.stringify(document).length).toBeLessThan(sampleOutputBytes({ n, steps: 1000 }));
    // The longest a double prints, in every coordinate, still fits.
    const worst = { samples: Array.from({ length: 2 * n }, () => [-2.2250738585072014e-308, -2.2250738585072014e-308]) };
    expect(JSON.stringify(worst).length).toBeLessThan(sampleOutputBytes({ n, steps: 1 }));
  });

  it("lets every normal output through and refuses the one that ran out of memory", () => {
    expect(sampleOutputBytes({ n: MAX_POINTS, steps: MAX_T })).toBeLessThan(MAX_OUTPUT_BYTES); // no trajectory
    expect(sampleOutputBytes({ n: 512, steps: 1000, trajectory: true })).toBeLessThan(MAX_OUTPUT_BYTES); // the CLI's defaults
    expect(sampleOutputBytes({ n: 1024, steps: 1000, trajectory: true })).toBeLessThan(MAX_OUTPUT_BYTES);
    expect(sampleOutputPoints({ n: 100_000, steps: 200, trajectory: true })).toBe(40_200_000);
    expect(sampleOutputBytes({ n: 100_000, steps: 200, trajectory: true })).toBeGreaterThan(MAX_OUTPUT_BYTES);
  });

  it("estimates sampling in proportion to its work", () => {
    const base = sampleEstimate({ denoiser: oracle, sampler: "ddim", n: 512, steps: 1000 });
    expect(base.work).toBe("oracle, 512 points × 1,000 steps × 2,048 data points");
    expect(base.seconds).toBeGreaterThan(2);
    expect(base.seconds).toBeLessThan(30);
    const huge = sampleEstimate({ denoiser: oracle, sampler: "ddim", n: 100_000, steps: 100_000 });
    expect(huge.seconds / base.seconds).toBeCloseTo((100_000 * 100_000) / (512 * 1000), 0);
    const network = sampleEstimate({ denoiser: { kind: "network", weights: 37_762, engine: "ort" }, sampler: "ddpm", n: 512, steps: 1000 });
    expect(network.work).toBe("37,762-weight network on ort, 512 points × 1,000 steps");
    expect(network.seconds).toBeGreaterThan(0.5);
    expect(network.seconds).toBeLessThan(10);
  });

  it("splits evaluate into the stages it runs, and grows with n²", () => {
    const fresh = evaluateEstimate({ n: 1000, m: 2048, floor: { draws: 3 } });
    expect(fresh.stages.floor).toHaveLength(4);
    const sum = fresh.stages.prepare + fresh.stages.score + fresh.stages.floor.reduce((a, b) => a + b, 0);
    expect(fresh.seconds).toBeCloseTo(sum, 12);
    const split = evaluateEstimate({ n: 100_000, m: 100_000, floor: "split-half" });
    expect(split.stages.floor).toHaveLength(1);
    expect(split.seconds).toBeGreaterThan(60);
    expect(split.work).toBe("pairwise distances of 100,000 samples and 100,000 reference points, and a split-half floor");
  });

  it("sums quality's runs and seeds", () => {
    const runs = [{ sampler: "ddim", steps: 10 }, { sampler: "ddpm", steps: 1000 }] as const;
    const one = qualityEstimate({ denoiser: oracle, runs: [...runs], seeds: 1, n: 512, m: 2048 });
    const three = qualityEstimate({ denoiser: oracle, runs: [...runs], seeds: 3, n: 512, m: 2048 });
    expect(three.seconds).toBeGreaterThan(2.9 * one.seconds);
    expect(three.work).toBe("oracle, 2 runs × 3 seeds of 512 points (1,010 steps a seed) × 2,048 data points, scored against 2,048 points");
  });

  it("states durations in the unit that reads best", () => {
    expect(describeDuration(8.04)).toBe("8.0 s");
    expect(describeDuration(42)).toBe("42 s");
    expect(describeDuration(192)).toBe("3.2 min");
    expect(describeDuration(51 * 3600)).toBe("2.1 days");
    expect(describeDuration(11.5 * 3600)).toBe("12 h");
  });
});
