/**
 * Reflow (core/flow/reflow.ts): the teacher's pairs, the batches and evaluation set drawn from them,
 * and the config section that names the teacher.
 */
import { describe, expect, it } from "vitest";
import { checkReflowPairs, drawReflowPairs, REFLOW_SEED_OFFSET, type ReflowPairs } from "../../src/core/flow/reflow.js";
import { Rng } from "../../src/core/random.js";
import { batchStream } from "../../src/core/training/batches.js";
import { configHash, parseTrainConfig } from "../../src/core/training/config.js";
import { makeEvalSet } from "../../src/core/training/evaluation.js";
import { FLOW_TIME_SCALE } from "../../src/core/flow/time.js";
import { gaussianFlowEnd, gaussianVelocityDenoiser } from "../support/gaussianVelocity.js";

const TEACHER = "ab".repeat(32);
const gaussian = { mean: [0.5, -0.25] as [number, number], sigma: 0.3 };

function reflowConfig(pairs: number, extra: Record<string, unknown> = {}) {
  return parseTrainConfig({
    model: { objective: "flow-matching", hidden: [8] },
    training: { steps: 10, batch: 64, reflow: { teacher: TEACHER, pairs, ...extra } },
  });
}

/** Random pairs: noise and samples far apart, so a row's pair is recognisable. */
function randomPairs(count: number): ReflowPairs {
  const rng = new Rng(7);
  return { noise: rng.normals(2 * count), samples: Float64Array.from(rng.normals(2 * count), (v) => 10 + v) };
}

describe("the teacher's pairs", () => {
  it("couple each x_T of the seed's stream with where the teacher's ODE takes it", async () => {
    const pairs = await drawReflowPairs({ teacher: gaussianVelocityDenoiser(gaussian), pairs: 500, steps: 50, sampler: "heun", seed: 3 });
    // x_T comes from the seed's own stream, offset from every sampling seed's.
    expect(pairs.noise).toEqual(new Rng(REFLOW_SEED_OFFSET + 3).normals(1000));
    expect(pairs.noise).not.toEqual(new Rng(3).normals(1000));
    // The Gaussian's exact flow is affine: x_0 = μ + σ x_1. Heun in 50 steps lands on it closely (its
    // last step, into t = 0, is Euler's), and the pairs are those of the sampler the config names.
    const exact = gaussianFlowEnd(gaussian, pairs.noise);
    const error = (p: ReflowPairs) => Math.max(...p.samples.map((v, i) => Math.abs(v - exact[i])));
    expect(error(pairs)).toBeLessThan(5e-3);
    const euler = await drawReflowPairs({ teacher: gaussianVelocityDenoiser(gaussian), pairs: 500, steps: 50, sampler: "euler", seed: 3 });
    expect(error(euler)).toBeGreaterThan(error(pairs));
  });

  it("come only from a flow-matching teacher", async () => {
    const ddpm = { parameterization: "eps" as const, predict: (x: Float64Array) => x };
    await expect(drawReflowPairs({ teacher: ddpm, pairs: 4, steps: 2, sampler: "euler", seed: 0 })).rejects.toThrow(
      "the reflow teacher must be a flow-matching model",
    );
  });

  it("are checked for their count and for finite samples", () => {
    const pairs = randomPairs(5);
    expect(() => checkReflowPairs(pairs, 6)).toThrow("reflow pairs must hold 6 points on each side, got 5 and 5");
    pairs.samples[3] = NaN;
    expect(() => checkReflowPairs(pairs, 5)).toThrow("the reflow teacher's samples are not all finite: it cannot teach");
  });
});

describe("training on pairs", () => {
  it("puts every batch row on the straight line between one pair's noise and sample, with its velocity as the target", () => {
    const pairs = randomPairs(40);
    const next = batchStream(reflowConfig(40), undefined, pairs);
    for (let draw = 0; draw < 3; draw++) {
      const { xt, t, target } = next();
      for (let i = 0; i < t.length; i++) {
        // The target ε − x₀ names the pair: with samples near 10 and noise near 0, no two pairs share one.
        const j = [...Array(40).keys()].find((k) =>
          Math.abs(pairs.noise[2 * k] - pairs.samples[2 * k] - target[2 * i]) < 1e-4 &&
          Math.abs(pairs.noise[2 * k + 1] - pairs.samples[2 * k + 1] - target[2 * i + 1]) < 1e-4
        );
        expect(j, `row ${i}`).toBeDefined();
        const time = t[i] / FLOW_TIME_SCALE;
        for (const c of [0, 1]) {
          expect(xt[2 * i + c]).toBeCloseTo((1 - time) * pairs.samples[2 * j! + c] + time * pairs.noise[2 * j! + c], 4);
        }
      }
    }
  });

  it("scores checkpoints on pairs too, and refuses a config and pairs that do not go together", () => {
    const pairs = randomPairs(40);
    const evalSet = makeEvalSet(reflowConfig(40), 16, undefined, pairs);
    // Every target is one pair's ε − x₀, about −10 per coordinate here, not a fresh noise's.
    expect(evalSet.target.every((v) => v < -5)).toBe(true);
    expect(() => batchStream(reflowConfig(40))).toThrow("training.reflow is set: its teacher's pairs must be given");
    expect(() => batchStream(parseTrainConfig({ model: { objective: "flow-matching" } }), undefined, pairs)).toThrow(
      "reflow pairs were given for a config without training.reflow",
    );
    expect(() => batchStream(reflowConfig(41), undefined, pairs)).toThrow("reflow pairs must hold 41 points on each side, got 40 and 40");
  });
});

describe("the config's training.reflow", () => {
  it("fills its defaults, goes with flow matching only, and names the teacher by its config hash", async () => {
    expect(reflowConfig(100).training.reflow).toEqual({ teacher: TEACHER, pairs: 100, steps: 100, sampler: "heun", seed: 0 });
    expect(() => parseTrainConfig({ training: { reflow: { teacher: TEACHER } } })).toThrow(
      /^training\.reflow: applies to flow matching only: set model\.objective to flow-matching/,
    );
    expect(() => reflowConfig(100, { teacher: "run-1" })).toThrow(
      'training.reflow.teacher: must be the config hash of the teacher run (64 lowercase hex digits), got "run-1"',
    );
    expect(() => reflowConfig(0)).toThrow("training.reflow.pairs: must be an integer from 1 to 100000, got 0");
    expect(() => reflowConfig(10, { sampler: "ddim" })).toThrow(/training\.reflow\.sampler: must be one of euler, heun/);
    // Every setting of the pairs changes what trains, so each changes the hash.
    const base = await configHash(reflowConfig(100));
    for (const change of [{ pairs: 101 }, { steps: 99 }, { sampler: "euler" }, { seed: 1 }, { teacher: "cd".repeat(32) }]) {
      expect(await configHash(reflowConfig(100, change)), JSON.stringify(change)).not.toBe(base);
    }
  });
});

describe("a report config", () => {
  it("refuses a reflow run, which needs its teacher's pairs, in one line", async () => {
    const { parseReportConfig } = await import("../../src/core/reports/config.js");
    const train = { model: { objective: "flow-matching" }, training: { reflow: { teacher: TEACHER } } };
    expect(() => parseReportConfig({ name: "r", title: "R", train, samplers: [{ sampler: "euler" }] })).toThrow(
      "train.training.reflow: a report trains from configs alone and cannot draw a teacher's pairs: train the reflow run with chisel train --reflow-from",
    );
    // A swept reflow setting is refused the same way, not asked for a teacher first.
    const flow = { model: { objective: "flow-matching" } };
    expect(() => parseReportConfig({ name: "r", title: "R", train: flow, sweep: { "training.reflow.pairs": [10, 20] }, samplers: [{ sampler: "euler" }] })).toThrow(
      'sweep["training.reflow.pairs"]: a report trains from configs alone',
    );
  });
});
