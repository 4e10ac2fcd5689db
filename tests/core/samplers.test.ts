import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { Rng } from "../../src/core/random.js";
import { sample, type SampleOptions } from "../../src/core/sample.js";
import { createSampler, SAMPLER_NAMES } from "../../src/core/samplers/index.js";
import { makeSchedule, type Schedule } from "../../src/core/schedule.js";
import { timestepGrid } from "../../src/core/timesteps.js";
import { type Gaussian2, gaussianDenoiser, moments } from "../support/gaussianDenoiser.js";

const schedule = makeSchedule(); // linear 1e-4 → 0.02, T = 1000

// Correlated (ρ ≈ 0.85), eigenvalues 0.1 and 1.4, centred away from the origin.
const data: Gaussian2 = { mean: [1.5, -0.5], cov: [1.0, 0.6, 0.5] };
const N = 4000;
const [sxx, sxy, syy] = data.cov;
// Standard errors at N: of a mean, √(Σ_ii/N); of a sample covariance, √((Σ_ii Σ_jj + Σ_ij²)/N).
const SE_MEAN = [Math.sqrt(sxx / N), Math.sqrt(syy / N)];
const SE_COV = [Math.sqrt((2 * sxx * sxx) / N), Math.sqrt((sxx * syy + sxy * sxy) / N), Math.sqrt((2 * syy * syy) / N)];

const epsDenoiser = gaussianDenoiser(data, schedule, "eps");

async function run(options: Partial<SampleOptions> & Pick<SampleOptions, "sampler" | "steps">) {
  return sample({ schedule, denoiser: epsDenoiser, n: N, seed: 7, ...options });
}

/** Asserts |m − μ| ≤ k·SE for the mean and |S − Σ| ≤ kCov·SE for each covariance entry. */
function expectRecovers(samples: Float64Array, k: number, kCov = k) {
  const m = moments(samples);
  for (let d = 0; d < 2; d++) expect(Math.abs(m.mean[d] - data.mean[d])).toBeLessThan(k * SE_MEAN[d]);
  for (let j = 0; j < 3; j++) expect(Math.abs(m.cov[j] - data.cov[j])).toBeLessThan(kCov * SE_COV[j]);
}

/** Frobenius norm of S − Σ (the off-diagonal counts twice). */
function covError(samples: Float64Array): number {
  const [a, b, c] = moments(samples).cov;
  return Math.hypot(a - sxx, b - sxy, b - sxy, c - syy);
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * Ho et al. (2020) Algorithm 2 written directly from the paper, ε-form with one-step coefficients:
 *   x_{t−1} = (x_t − β_t/√(1−ᾱ_t) ε̂) / √α_t + σ_t z,   z = 0 at the last index.
 * Over the full grid it is DDPM; run on a skipping grid it is the "one-step coefficients" bug.
 */
function hoAlgorithm2(s: Schedule, timesteps: number[], n: number, seed: number, variance: "beta" | "betaTilde") {
  const rng = new Rng(seed);
  let x = rng.normals(2 * n);
  for (const t of timesteps) {
    const eps = epsDenoiser.predict(x, t) as Float64Array;
    const z = t > 0 ? rng.normals(2 * n) : new Float64Array(2 * n);
    const sigma = Math.sqrt(variance === "beta" ? s.betas[t] : s.posteriorVariance[t]);
    const c = s.betas[t] / s.sqrtOneMinusAlphaBars[t];
    const next = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) next[i] = (x[i] - c * eps[i]) / Math.sqrt(s.alphas[t]) + sigma * z[i];
    x = next;
  }
  return x;
}

describe("samplers recover a Gaussian with its exact denoiser", () => {
  // The tolerance is 4 standard errors of the N = 4000 estimate. The samplers' own discretisation
  // bias, from propagating the (linear-Gaussian) chains exactly in numpy, is ≤ 0.5 SE except DDIM.
  for (const variance of ["beta", "betaTilde"] as const) {
    it(`DDPM, 1000 steps, σ² = ${variance}`, async () => {
      expectRecovers((await run({ sampler: "ddpm", steps: 1000, variance })).samples, 4);
    });
  }

  it("DPM-Solver++(2M), 50 steps", async () => {
    expectRecovers((await run({ sampler: "dpm-solver++", steps: 50 })).samples, 4);
  });

  it("DDIM η = 0, 50 steps", async () => {
    // DDIM shrinks the variance at O(1/steps): for N(0, I) each step multiplies x by cos(θ_prev − θ_t),
    // ᾱ = cos²θ. Its exact covariance bias here is −3.1, −2.4, −3.6 SE, so 6 SE for the covariance.
    expectRecovers((await run({ sampler: "ddim", steps: 50 })).samples, 4, 6);
  });

  it("DPM-Solver++ at 10 steps is much closer than DDIM at 10 steps", async () => {
    const dpm = covError((await run({ sampler: "dpm-solver++", steps: 10 })).samples);
    const ddim = covError((await run({ sampler: "ddim", steps: 10 })).samples);
    // Exact values (numpy): 0.11 and 0.42.
    expect(dpm).toBeLessThan(0.5 * ddim);
    expect(ddim).toBeGreaterThan(0.3);
  });
});

describe("respacing", () => {
  it("steps = T reproduces Ho et al.'s Algorithm 2 on the same rng stream", async () => {
    const n = 200;
    const grid = timestepGrid(1000, 1000);
    for (const variance of ["beta", "betaTilde"] as const) {
      const ours = await sample({ schedule, denoiser: epsDenoiser, sampler: "ddpm", steps: 1000, n, seed: 3, variance });
      expect(maxAbsDiff(ours.samples, hoAlgorithm2(schedule, grid, n, 3, variance))).toBeLessThan(1e-9);
    }
  });

  it("one-step coefficients on a 10-step grid leave the samples noisy; respaced ones do not", async () => {
    const grid = timestepGrid(1000, 10);
    const buggy = hoAlgorithm2(schedule, grid, N, 7, "beta");
    const correct = (await run({ sampler: "ddpm", steps: 10, variance: "beta" })).samples;
    // Exact values (numpy): 0.95 (the samples stay ≈ N(0, I)) and 0.19 (ancestral DDPM's 10-step bias).
    expect(covError(buggy)).toBeGreaterThan(0.7);
    expect(covError(correct)).toBeLessThan(0.3);
    expect(Math.abs(moments(buggy).mean[0] - data.mean[0])).toBeGreaterThan(1);
    expect(Math.abs(moments(correct).mean[0] - data.mean[0])).toBeLessThan(4 * SE_MEAN[0]);
  });
});

describe("sampler identities", () => {
  const n = 500;
  const base = { schedule, n, seed: 11 };

  it("DDIM η = 0 is deterministic and draws no noise", async () => {
    const a = await sample({ ...base, denoiser: epsDenoiser, sampler: "ddim", steps: 20 });
    const b = await sample({ ...base, denoiser: epsDenoiser, sampler: "ddim", steps: 20, seed: 12, xT: a.xT });
    expect(b.samples).toEqual(a.samples);
  });

  it("DDIM η = 1 equals DDPM with β̃ on the same stream", async () => {
    const ddim = await sample({ ...base, denoiser: epsDenoiser, sampler: "ddim", steps: 20, eta: 1 });
    const ddpm = await sample({ ...base, denoiser: epsDenoiser, sampler: "ddpm", steps: 20, variance: "betaTilde" });
    expect(maxAbsDiff(ddim.samples, ddpm.samples)).toBeLessThan(1e-9);
  });

  it("DPM-Solver++ with 2 steps (first order, then x̂_0) equals DDIM η = 0", async () => {
    const dpm = await sample({ ...base, denoiser: epsDenoiser, sampler: "dpm-solver++", steps: 2 });
    const ddim = await sample({ ...base, denoiser: epsDenoiser, sampler: "ddim", steps: 2 });
    expect(maxAbsDiff(dpm.samples, ddim.samples)).toBeLessThan(1e-12);
  });

  it("eps, x0 and v parameterizations of the same denoiser give the same samples", async () => {
    for (const sampler of SAMPLER_NAMES) {
      const results = [];
      for (const parameterization of ["eps", "x0", "v"] as const) {
        const denoiser = gaussianDenoiser(data, schedule, parameterization);
        results.push((await sample({ ...base, denoiser, sampler, steps: 25, eta: 0.5 })).samples);
      }
      expect(maxAbsDiff(results[0], results[1])).toBeLessThan(1e-9);
      expect(maxAbsDiff(results[0], results[2])).toBeLessThan(1e-9);
    }
  });
});

describe("sample", () => {
  const base = { schedule, denoiser: epsDenoiser, n: 50, seed: 5 };

  it("records the trajectory, the grid and progress", async () => {
    const calls: [number, number][] = [];
    const r = await sample({ ...base, sampler: "ddim", steps: 10, trajectory: true, onStep: (d, t) => calls.push([d, t]) });
    expect(r.timesteps).toEqual(timestepGrid(1000, 10));
    expect(r.trajectory!.xt.length).toBe(10);
    expect(r.trajectory!.x0.length).toBe(10);
    expect(r.trajectory!.xt[0]).toEqual(r.xT);
    for (const a of [...r.trajectory!.xt, ...r.trajectory!.x0]) expect(a.length).toBe(100);
    // DDIM's final step into ᾱ = 1 returns x̂_0.
    expect(r.trajectory!.x0[9]).toEqual(r.samples);
    expect(calls).toEqual(Array.from({ length: 10 }, (_, k) => [k + 1, 10]));
    expect((await sample({ ...base, sampler: "ddim", steps: 10 })).trajectory).toBeUndefined();
  });

  it("draws x_T first, so step counts share it, and a result's xT reproduces the run", async () => {
    const a = await sample({ ...base, sampler: "ddpm", steps: 10 });
    const b = await sample({ ...base, sampler: "ddpm", steps: 50 });
    expect(b.xT).toEqual(a.xT);
    expect(a.xT).toEqual(new Rng(5).normals(100));
    const again = await sample({ ...base, sampler: "ddpm", steps: 10, seed: 5, xT: a.xT });
    expect(again.samples).toEqual(a.samples);
  });

  it("rejects bad options with RangeErrors", async () => {
    const bad: Partial<SampleOptions>[] = [
      { steps: 0 }, { steps: 1001 }, { n: 0 }, { n: 100_001 }, { n: 1.5 }, { eta: -0.1 }, { eta: 1.1 },
      { eta: Number.NaN }, { xT: new Float64Array(3) }, { sampler: "euler" as never }, { variance: "big" as never },
    ];
    for (const options of bad) {
      await expect(sample({ ...base, sampler: "ddim", steps: 10, ...options })).rejects.toThrow(RangeError);
    }
    expect(() => createSampler("ddim", schedule, { eta: 2 })).toThrow(RangeError);
    expect(() => createSampler("ddpm", schedule, { eta: 2 })).toThrow(RangeError);
  });

  it("stops when aborted", async () => {
    const before = new AbortController();
    before.abort(new Error("stop"));
    await expect(sample({ ...base, sampler: "ddim", steps: 10, signal: before.signal })).rejects.toThrow("stop");

    let calls = 0;
    const counting: Denoiser = { parameterization: "eps", predict: (x, t) => (calls++, epsDenoiser.predict(x, t)) };
    const during = new AbortController();
    const run = sample({
      ...base, denoiser: counting, sampler: "ddpm", steps: 10, signal: during.signal,
      onStep: (done) => done === 3 && during.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toBe(3);

    // An asynchronous denoiser aborted mid-call: its result is discarded.
    const late = new AbortController();
    const slow: Denoiser = {
      parameterization: "eps",
      predict: async (x, t) => (late.abort(), epsDenoiser.predict(x, t)),
    };
    await expect(sample({ ...base, denoiser: slow, sampler: "ddim", steps: 1, signal: late.signal }))
      .rejects.toMatchObject({ name: "AbortError" });
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
    const oracle = oracleDenoiser(schedule, spiral);
    const plain = await sample({ schedule, denoiser: oracle, sampler: "ddim", steps: 5, n: 16, seed: 2 });
    const wide = await sample({ schedule, denoiser: oracle, sampler: "ddim", steps: 5, n: 16, seed: 2, clipX0: 10 });
    expect(wide.samples).toEqual(plain.samples);
    await expect(run(0)).rejects.toThrow(/clipX0 must be a number in \(0, 1000000\], got 0/);
  });
});
