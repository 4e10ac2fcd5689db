/**
 * Flow matching in the core: the linear path and its time convention, the training batches, the exact
 * oracle velocity (against its derivation and the Gaussian closed form), the Euler and Heun samplers, and
 * the config and export that carry the objective without disturbing DDPM runs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { asFlowNetwork } from "../../src/core/flow/network.js";
import { oracleVelocity } from "../../src/core/flow/oracleVelocity.js";
import { flowInterpolate, flowTarget } from "../../src/core/flow/path.js";
import { FLOW_TIME_INDICES, FLOW_TIME_SCALE, flowNetworkTime, flowTimeGrid } from "../../src/core/flow/time.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { exportOnnx, readOnnxMetadata, readOnnxObjective } from "../../src/core/onnx/export.js";
import { readOnnxParams } from "../../src/core/onnx/weights.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { Rng } from "../../src/core/random.js";
import { checkFlowOptions, sample } from "../../src/core/sample.js";
import { checkSamplerFor, samplersFor } from "../../src/core/samplers/index.js";
import { samplerLabel } from "../../src/core/settings.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { batchStream } from "../../src/core/training/batches.js";
import { parseManifest } from "../../src/core/training/checkpoint.js";
import { configHash, DEFAULT_TRAIN_CONFIG, modelDims, objectiveOf, parseTrainConfig } from "../../src/core/training/config.js";
import { makeEvalSet } from "../../src/core/training/evaluation.js";
import { gaussianFlowEnd, gaussianVelocity, gaussianVelocityDenoiser, type IsotropicGaussian } from "../support/gaussianVelocity.js";

const root = new URL("../../", import.meta.url).pathname;

/** Largest absolute difference between two arrays. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe("the linear path and its time", () => {
  it("runs from the data at t = 0 to the noise at t = 1, with the velocity ε − x₀ as target", () => {
    const x0 = Float64Array.of(1, 2, -3, 0.5);
    const eps = Float64Array.of(0.1, -0.2, 0.3, 0.4);
    expect(flowInterpolate(x0, eps, [0, 1])).toEqual(Float64Array.of(1, 2, 0.3, 0.4));
    expect(Array.from(flowInterpolate(x0, eps, [0.25, 0.5]))).toEqual([0.775, 1.45, -1.35, 0.45]);
    expect(Array.from(flowTarget(x0, eps))).toEqual([0.1 - 1, -0.2 - 2, 0.3 + 3, 0.4 - 0.5]);
  });

  it("feeds the network τ = 1000·t and samples on the uniform grid from 1 to 0", () => {
    expect(flowNetworkTime(0.25)).toBe(250);
    expect(() => flowNetworkTime(1.5)).toThrow("t must be a number in [0, 1], got 1.5");
    expect(flowTimeGrid(4)).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(flowTimeGrid(3)[3]).toBe(0);
  });
});

describe("flow-matching training batches", () => {
  const config = parseTrainConfig({ model: { objective: "flow-matching" }, training: { batch: 64, seed: 5 } });

  it("draw the data, t = k/1000 and ε from the training seed, with x_t on the path and the target ε − x₀", () => {
    const batch = batchStream(config)();
    // Replays the draws in the stream's order: data index, time index, then ε's two normals, point by point.
    const { name, n, seed, noise } = config.dataset;
    const data = makeDataset(name, { n, seed, noise });
    const rng = new Rng(5);
    for (let i = 0; i < 64; i++) {
      const j = rng.int(n);
      const k = rng.int(FLOW_TIME_INDICES);
      const eps = [rng.normal(), rng.normal()];
      expect(batch.t[i]).toBe(k);
      const t = k / FLOW_TIME_SCALE;
      for (let c = 0; c < 2; c++) {
        const x0 = data[2 * j + c];
        expect(batch.xt[2 * i + c]).toBe(Math.fround((1 - t) * x0 + t * eps[c]));
        expect(batch.target[2 * i + c]).toBe(Math.fround(eps[c] - x0));
      }
    }
  });

  it("cover both ends of the path, t = 0 and t = 1", () => {
    const next = batchStream(parseTrainConfig({ model: { objective: "flow-matching" } }));
    let low = Infinity;
    let high = -Infinity;
    for (let b = 0; b < 20; b++) for (const k of next().t) [low, high] = [Math.min(low, k), Math.max(high, k)];
    expect([low, high]).toEqual([0, FLOW_TIME_SCALE]);
  });

  it("are scored on buckets of the time indices, with the velocity target", () => {
    const evalSet = makeEvalSet(config, 256);
    expect(evalSet.buckets[0].from).toBe(0);
    expect(evalSet.buckets.at(-1)!.to).toBe(FLOW_TIME_INDICES);
    // ‖ε − x₀‖²/2 per coordinate: 1 for ε plus the data's mean square (the spiral's is about 0.6).
    expect(evalSet.zeroOutputLoss).toBeGreaterThan(1.3);
    expect(evalSet.zeroOutputLoss).toBeLessThan(2);
  });
});

describe("the oracle velocity", () => {
  it("is (x_t − E[x₀ | x_t]) / t with the posterior weights exp(−‖x_t − (1 − t) x0_j‖² / 2t²)", () => {
    const data = Float64Array.of(0, 0, 1, 0, -0.5, 1.5, 2, -1, 0.3, 0.3);
    const x = Float64Array.of(0.4, 0.2, -1, 2, 3, -3);
    const field = oracleVelocity(data);
    for (const t of [0.05, 0.3, 0.8, 1]) {
      const got = field.predict(x, t * FLOW_TIME_SCALE) as Float64Array;
      for (let p = 0; p < x.length; p += 2) {
        // Plainly: the log-weights as derived, shifted by their max so that exp does not underflow, then the weighted mean.
        const logW = [];
        for (let j = 0; j < data.length; j += 2) {
          logW.push(-((x[p] - (1 - t) * data[j]) ** 2 + (x[p + 1] - (1 - t) * data[j + 1]) ** 2) / (2 * t * t));
        }
        const top = Math.max(...logW);
        const w = logW.map((l) => Math.exp(l - top));
        const total = w.reduce((a, b) => a + b, 0);
        const meanX = w.reduce((sum, wj, j) => sum + wj * data[2 * j], 0) / total;
        const meanY = w.reduce((sum, wj, j) => sum + wj * data[2 * j + 1], 0) / total;
        expect(got[p]).toBeCloseTo((x[p] - meanX) / t, 10);
        expect(got[p + 1]).toBeCloseTo((x[p + 1] - meanY) / t, 10);
      }
    }
  });

  it("is x − mean(data) at t = 1, finite far away and near the data, and refused at t = 0", () => {
    const data = makeDataset("moons", { n: 500 });
    const field = oracleVelocity(data);
    let mx = 0, my = 0;
    for (let j = 0; j < data.length; j += 2) [mx, my] = [mx + data[j] / 500, my + data[j + 1] / 500];
    const at1 = field.predict(Float64Array.of(0.7, -0.2), FLOW_TIME_SCALE) as Float64Array;
    expect(at1[0]).toBeCloseTo(0.7 - mx, 12);
    expect(at1[1]).toBeCloseTo(-0.2 - my, 12);
    const far = field.predict(Float64Array.of(1e4, -1e4, 0.1, 0.1), 1e-3) as Float64Array; // t = 1e-6
    expect(Array.from(far).every(Number.isFinite)).toBe(true);
    expect(() => field.predict(Float64Array.of(0, 0), 0)).toThrow(/t must be a number in \(0, 1000\]/);
  });

  it("matches the closed form on Gaussian data N(μ, σ²I)", () => {
    const g: IsotropicGaussian = { mean: [0.8, -0.4], sigma: 0.6 };
    const m = 200_000;
    const rng = new Rng(11);
    const data = Float64Array.from(rng.normals(2 * m), (z, i) => g.mean[i % 2] + g.sigma * z);
    const field = oracleVelocity(data);
    // Points within about two standard deviations of x_t's law: far in its tails few draws carry the posterior.
    const x = Float64Array.of(0, 0, 1, -1, 0.5, 0.5, 1.2, -0.2);
    for (const t of [0.3, 0.6, 0.9]) {
      const got = field.predict(x, t * FLOW_TIME_SCALE) as Float64Array;
      // The oracle holds 200,000 draws, not the distribution: agreement to the draws' sampling error.
      expect(maxDiff(got, gaussianVelocity(g, x, t)), `t = ${t}`).toBeLessThan(0.02);
    }
  });
});

describe("Euler and Heun", () => {
  const g: IsotropicGaussian = { mean: [1.5, -0.5], sigma: 0.4 };
  const field = gaussianVelocityDenoiser(g);
  /** Largest distance of the samples from where the exact flow takes their x_1. */
  const error = async (sampler: "euler" | "heun", steps: number) => {
    const result = await sample({ denoiser: field, sampler, steps, n: 200, seed: 3 });
    return maxDiff(result.samples, gaussianFlowEnd(g, result.xT));
  };

  it("converge on Gaussian data at first and second order, Heun ahead of Euler at equal steps", async () => {
    const euler = [await error("euler", 8), await error("euler", 16), await error("euler", 32)];
    const heun = [await error("heun", 8), await error("heun", 16), await error("heun", 32)];
    for (let i = 0; i < 3; i++) expect(heun[i]).toBeLessThan(euler[i] / 4);
    // Halving the step halves Euler's error and quarters Heun's.
    expect(euler[0] / euler[1]).toBeGreaterThan(1.7);
    expect(euler[1] / euler[2]).toBeGreaterThan(1.8);
    expect(heun[0] / heun[1]).toBeGreaterThan(3.2);
    expect(heun[1] / heun[2]).toBeGreaterThan(3.5);
  });

  it("Heun evaluates the model twice a step but once on the last, into t = 0", async () => {
    const times: number[] = [];
    const counting: Denoiser = { ...field, predict: (x, tau) => (times.push(tau), field.predict(x, tau)) };
    await sample({ denoiser: counting, sampler: "heun", steps: 4, n: 3, seed: 0 });
    expect(times).toEqual([1000, 750, 750, 500, 500, 250, 250]);
  });

  it("Euler with the oracle converges to the data as the steps grow", async () => {
    const data = makeDataset("spiral", { n: 300 });
    const field = oracleVelocity(data);
    /** Mean distance from each sample to its nearest data point. */
    const distance = async (steps: number) => {
      const { samples } = await sample({ denoiser: field, sampler: "euler", steps, n: 200, seed: 1 });
      let sum = 0;
      for (let p = 0; p < samples.length; p += 2) {
        let best = Infinity;
        for (let j = 0; j < data.length; j += 2) best = Math.min(best, Math.hypot(samples[p] - data[j], samples[p + 1] - data[j + 1]));
        sum += best;
      }
      return sum / (samples.length / 2);
    };
    const d = [await distance(2), await distance(8), await distance(32), await distance(128)];
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeLessThan(d[i - 1]);
    expect(d[3]).toBeLessThan(0.01);
    expect(d[0]).toBeGreaterThan(0.05);
  });

  it("start from the same x_T as DDPM's samplers with the same seed", async () => {
    const data = makeDataset("spiral", { n: 100 });
    const flow = await sample({ denoiser: oracleVelocity(data), sampler: "euler", steps: 2, n: 5, seed: 9 });
    const ddpm = await sample({ schedule: makeSchedule(), denoiser: oracleDenoiser(makeSchedule(), data), sampler: "ddim", steps: 2, n: 5, seed: 9 });
    expect(flow.xT).toEqual(ddpm.xT);
    expect(flow.timesteps).toEqual([1, 0.5]);
  });
});

describe("a sampler of the other objective", () => {
  const data = makeDataset("spiral", { n: 100 });
  const schedule = makeSchedule();

  it("is refused in one line naming the samplers allowed", async () => {
    expect(samplersFor("flow-matching")).toEqual(["euler", "heun"]);
    expect([samplerLabel({ sampler: "heun" }), samplerLabel({ sampler: "dpm-solver++" })]).toEqual(["Heun", "DPM-Solver++"]);
    await expect(sample({ denoiser: oracleVelocity(data), sampler: "dpm-solver++", steps: 10, n: 4, seed: 0 }))
      .rejects.toThrow("sampler dpm-solver++ cannot run a flow-matching model: use one of euler, heun");
    await expect(sample({ schedule, denoiser: oracleDenoiser(schedule, data), sampler: "heun", steps: 10, n: 4, seed: 0 }))
      .rejects.toThrow("sampler heun cannot run a ddpm model: use one of ddpm, ddim, dpm-solver++");
  });

  it("and DDPM-only options are refused on a flow model rather than ignored, whatever their value", async () => {
    const options = { denoiser: oracleVelocity(data), sampler: "euler" as const, steps: 10, n: 4, seed: 0 };
    await expect(sample({ ...options, clipX0: 1 })).rejects.toThrow("clipX0 applies to ddpm models only: a flow-matching model predicts a velocity, not x̂₀");
    // The defaults too: given is given, so a flag set to its default value is not silently dropped.
    await expect(sample({ ...options, spacing: "trailing" })).rejects.toThrow("spacing applies to ddpm models only: flow samplers step evenly in t");
    await expect(sample({ ...options, eta: 0 })).rejects.toThrow("eta applies to ddpm models only: flow samplers add no noise");
    await expect(sample({ ...options, variance: "betaTilde" })).rejects.toThrow("variance applies to ddpm models only: flow samplers add no noise");
    // A shell words the same checks with its own names.
    expect(() => checkFlowOptions({ eta: 0.5 }, (option) => `--${option}!`)).toThrow(/^--eta! applies to ddpm models only/);
    expect(() => checkFlowOptions({})).not.toThrow();
    expect(() => checkSamplerFor("ddpm", "euler", "--sampler")).toThrow(/^--sampler euler cannot run a ddpm model: use one of ddpm, ddim, dpm-solver\+\+$/);
  });
});

describe("the objective in configs, hashes and exports", () => {
  it("defaults to ddpm, and leaves every DDPM config's hash as it was", async () => {
    expect(objectiveOf(DEFAULT_TRAIN_CONFIG.model)).toBe("ddpm");
    // Named or not, DDPM leaves no key in the parsed config: manifests and report configs keep their bytes.
    const explicit = parseTrainConfig({ model: { objective: "ddpm" } });
    expect(explicit).toEqual(DEFAULT_TRAIN_CONFIG);
    expect(JSON.stringify(explicit)).not.toContain("objective");
    expect(await configHash(explicit)).toBe(await configHash(DEFAULT_TRAIN_CONFIG));
    expect(await configHash(parseTrainConfig({ model: { objective: "flow-matching" } }))).not.toBe(await configHash(DEFAULT_TRAIN_CONFIG));
    // The committed runs (the default model's among them) were hashed before the objective existed.
    const runs = join(root, "data/runs");
    // Finished runs only: a run being built sits in a hidden .partial folder.
    const dirs = readdirSync(runs).filter((dir) => !dir.startsWith("."));
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) {
      const manifest = parseManifest(JSON.parse(readFileSync(join(runs, dir, "manifest.json"), "utf8")));
      expect(await configHash(manifest.config), dir).toBe(manifest.configHash);
    }
  });

  it("refuses DDPM's schedule and prediction settings with flow matching", () => {
    expect(() => parseTrainConfig({ model: { objective: "flow-matching", parameterization: "v" } }))
      .toThrow(/^model\.parameterization: applies to ddpm only: a flow-matching network predicts the velocity ε − x₀, so leave it out, got "v"$/);
    expect(() => parseTrainConfig({ model: { objective: "flow-matching" }, schedule: { kind: "cosine" } }))
      .toThrow(/^schedule: applies to ddpm only: flow matching has no noise schedule, so leave it out/);
    expect(() => parseTrainConfig({ model: { objective: "rectified" } })).toThrow(/^model\.objective: must be one of ddpm, flow-matching/);
  });

  it("travels in the ONNX metadata: a flow model's graph outputs the velocity; a DDPM export is unchanged", () => {
    const dims = modelDims(DEFAULT_TRAIN_CONFIG.model);
    const params = initMlpParams(2, dims);
    const schedule = DEFAULT_TRAIN_CONFIG.schedule;
    const ddpm = exportOnnx({ params, dims, parameterization: "eps", schedule });
    expect(exportOnnx({ params, dims, parameterization: "eps", schedule, objective: "ddpm" })).toEqual(ddpm);
    expect(readOnnxMetadata(ddpm).objective).toBe("ddpm");
    expect(readOnnxMetadata(ddpm).props.objective).toBeUndefined();
    const flow = exportOnnx({ params, dims, parameterization: "eps", schedule, objective: "flow-matching" });
    const metadata = readOnnxMetadata(flow);
    expect(metadata).toMatchObject({ objective: "flow-matching", props: { output: "velocity", time_scale: "1000" } });
    expect(readOnnxParams(flow).params).toEqual(params);
    expect(() => exportOnnx({ params, dims, parameterization: "x0", schedule, objective: "flow-matching" }))
      .toThrow("parameterization must be eps for a flow-matching model (it predicts the velocity), got x0");
  });

  it("is read from any graph's metadata: ddpm where none is named, a flow model's only with its time scale", () => {
    const dims = modelDims(DEFAULT_TRAIN_CONFIG.model);
    const params = initMlpParams(3, dims);
    const schedule = DEFAULT_TRAIN_CONFIG.schedule;
    expect(readOnnxObjective(exportOnnx({ params, dims, parameterization: "eps", schedule, objective: "flow-matching" }))).toBe("flow-matching");
    expect(readOnnxObjective(exportOnnx({ params, dims, parameterization: "v", schedule }))).toBe("ddpm");
    // A third-party graph (no metadata at all, another producer) is taken as the documented eps contract.
    expect(readOnnxObjective(new Uint8Array(0))).toBe("ddpm");
    expect(() => readOnnxObjective(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/^bytes must be a serialized ONNX model/);
  });
});

describe("a trained flow network behind an engine", () => {
  const engine = {
    parameterization: "eps" as const,
    calls: [] as number[],
    predict(x: Float64Array, t: number) {
      this.calls.push(t);
      return x.map((v) => v * t);
    },
    dispose: () => "disposed",
  };
  const model = asFlowNetwork(engine);

  it("is marked flow-matching, keeps the engine's members, and passes τ ∈ [0, 1000] through as given", () => {
    expect(model.objective).toBe("flow-matching");
    expect(model.dispose()).toBe("disposed");
    expect(Array.from(model.predict(Float64Array.of(1, 2), 412.5) as Float64Array)).toEqual([412.5, 825]);
    model.predict(Float64Array.of(1, 2), 0);
    model.predict(Float64Array.of(1, 2), 1000);
    expect(engine.calls).toEqual([412.5, 0, 1000]);
  });

  it("refuses τ outside [0, 1000] in one line, as the oracle velocity does, before the engine runs", () => {
    for (const tau of [1000.5, -0.5, NaN, Infinity]) {
      expect(() => model.predict(Float64Array.of(1, 2), tau))
        .toThrow(`t must be a number in [0, 1000] (a flow model's time τ = 1000·t, t in [0, 1]), got ${tau}`);
      expect(() => oracleVelocity(Float64Array.of(0, 0)).predict(Float64Array.of(1, 2), tau)).toThrow(/^t must be a number in \(0, 1000\]/);
    }
    expect(engine.calls).toEqual([412.5, 0, 1000]);
  });
});
