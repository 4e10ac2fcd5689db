import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/hash.js";
import {
  configHash,
  DEFAULT_TRAIN_CONFIG,
  modelDims,
  parseTrainConfig,
  type TrainConfig,
} from "../../src/core/training/config.js";
import { learningRate } from "../../src/core/training/learningRate.js";
import { TRAIN_BACKENDS } from "../../src/core/settings.js";

const DEFAULTS = {
  dataset: { name: "spiral", n: 2048, seed: 0 },
  schedule: { kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 },
  model: { parameterization: "eps", hidden: [128, 128, 128], embeddingDim: 32 },
  training: {
    steps: 10000,
    batch: 1024,
    lr: 0.01,
    lrSchedule: "cosine",
    warmup: 500,
    ema: 0.999,
    seed: 0,
    checkpoints: [0, 250, 500, 1000, 2000, 5000, 10000],
    logEvery: 10,
  },
};

function message(json: unknown): string {
  try {
    parseTrainConfig(json);
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    const text = (error as Error).message;
    expect(text).not.toContain("\n");
    return text;
  }
  throw new Error(`accepted ${JSON.stringify(json)}`);
}

describe("parseTrainConfig: defaults", () => {
  it("fills every field of an empty document", () => {
    expect(parseTrainConfig({})).toEqual(DEFAULTS);
    expect(DEFAULT_TRAIN_CONFIG).toEqual(DEFAULTS);
  });

  it("fills the rest of a section that sets one field", () => {
    const config = parseTrainConfig({ training: { lr: 0.01 }, dataset: { name: "moons", noise: 0.1 } });
    expect(config.training).toEqual({ ...DEFAULTS.training, lr: 0.01 });
    expect(config.dataset).toEqual({ name: "moons", n: 2048, seed: 0, noise: 0.1 });
    expect(config.schedule).toEqual(DEFAULTS.schedule);
  });

  it("clips the default checkpoints to the run and always adds the last step", () => {
    const checkpoints = (training: object) => parseTrainConfig({ training }).training.checkpoints;
    expect(checkpoints({ steps: 300 })).toEqual([0, 250, 300]);
    expect(checkpoints({ steps: 250 })).toEqual([0, 250]);
    expect(checkpoints({ steps: 1 })).toEqual([0, 1]);
    expect(checkpoints({ steps: 20000 })).toEqual([0, 250, 500, 1000, 2000, 5000, 10000, 20000]);
    expect(checkpoints({ steps: 10, checkpoints: [0, 5] })).toEqual([0, 5, 10]);
    expect(checkpoints({ steps: 10, checkpoints: [3, 10] })).toEqual([3, 10]);
    expect(checkpoints({ steps: 10, checkpoints: [] })).toEqual([10]);
  });

  it("logs about 1000 entries per run unless told", () => {
    expect(parseTrainConfig({ training: { steps: 999 } }).training.logEvery).toBe(1);
    expect(parseTrainConfig({ training: { steps: 1001 } }).training.logEvery).toBe(2);
    expect(parseTrainConfig({ training: { steps: 1_000_000 } }).training.logEvery).toBe(1000);
    expect(parseTrainConfig({ training: { steps: 100, logEvery: 7 } }).training.logEvery).toBe(7);
  });

  it("accepts the edges of every range", () => {
    const config = parseTrainConfig({
      dataset: { n: 100000, seed: 4294967295, noise: 0 },
      schedule: { T: 100000, betaStart: 1e-9, betaEnd: 0.999 },
      model: { hidden: [1, 1024, 1, 1, 1, 1, 1, 1], parameterization: "v" },
      training: { steps: 1_000_000, batch: 65536, lr: 1, ema: 0.9, warmup: 1_000_000, checkpoints: [0, 1_000_000] },
      backend: "tfjs-wasm",
    });
    expect(config.training.ema).toBe(0.9);
    expect(modelDims(config.model)).toEqual([34, 1, 1024, 1, 1, 1, 1, 1, 1, 2]);
    expect(parseTrainConfig({ training: { ema: 0.9999 } }).training.ema).toBe(0.9999);
    // cosine ignores β, so their order does not matter.
    expect(parseTrainConfig({ schedule: { kind: "cosine", betaStart: 0.5, betaEnd: 0.1 } }).schedule.kind).toBe(
      "cosine",
    );
  });
});

describe("parseTrainConfig: backends", () => {
  it("takes every registered engine name and leaves an absent one absent", () => {
    for (const backend of TRAIN_BACKENDS) expect(parseTrainConfig({ backend }).backend).toBe(backend);
    expect(parseTrainConfig({}).backend).toBeUndefined();
  });
});

describe("parseTrainConfig: each bad input names its JSON path and range", () => {
  const cases: [unknown, string][] = [
    [{ training: { lr: 2 } }, "training.lr: must be a number in (0, 1], got 2"],
    [{ training: { lr: 0 } }, "training.lr: must be a number in (0, 1], got 0"],
    [{ training: { lr: "0.1" } }, 'training.lr: must be a number in (0, 1], got "0.1"'],
    [{ training: { steps: 0 } }, "training.steps: must be an integer from 1 to 1000000, got 0"],
    [{ training: { steps: 1.5 } }, "training.steps: must be an integer from 1 to 1000000, got 1.5"],
    [{ training: { steps: 1000001 } }, "training.steps: must be an integer from 1 to 1000000, got 1000001"],
    [{ training: { batch: 65537 } }, "training.batch: must be an integer from 1 to 65536, got 65537"],
    [{ training: { lrSchedule: "step" } }, 'training.lrSchedule: must be one of constant, cosine, got "step"'],
    [{ training: { ema: 0.5 } }, "training.ema: must be 0 (off) or a number in [0.9, 1), got 0.5"],
    [{ training: { ema: 1 } }, "training.ema: must be 0 (off) or a number in [0.9, 1), got 1"],
    [{ training: { seed: -1 } }, "training.seed: must be an integer from 0 to 4294967295, got -1"],
    [{ training: { steps: 10, warmup: 11 } }, "training.warmup: must be an integer in [0, steps = 10], got 11"],
    [{ training: { logEvery: 0 } }, "training.logEvery: must be an integer from 1 to 1000000, got 0"],
    [{ training: { steps: 10, logEvery: 11 } }, "training.logEvery: must be an integer in [1, steps = 10], got 11"],
    [
      { training: { steps: 10, checkpoints: [0, 20] } },
      "training.checkpoints[1]: must be an integer in [0, steps = 10], got 20",
    ],
    [
      { training: { checkpoints: [0, 5, 5] } },
      "training.checkpoints[2]: must be sorted and unique (greater than 5), got 5",
    ],
    [
      { training: { checkpoints: [5, 0] } },
      "training.checkpoints[1]: must be sorted and unique (greater than 5), got 0",
    ],
    [{ training: { checkpoints: [-1] } }, "training.checkpoints[0]: must be an integer from 0 to 1000000, got -1"],
    [{ training: { checkpoints: "all" } }, 'training.checkpoints: must be a list of integers, got "all"'],
    [
      { dataset: { name: "swiss" } },
      'dataset.name: must be one of spiral, blob, moons, gaussians8, ring, checkerboard, got "swiss"',
    ],
    [{ dataset: { n: 0 } }, "dataset.n: must be an integer from 1 to 100000, got 0"],
    [{ dataset: { n: 100001 } }, "dataset.n: must be an integer from 1 to 100000, got 100001"],
    [{ dataset: { noise: -0.1 } }, "dataset.noise: must be a number in [0, 1.5], got -0.1"],
    [{ schedule: { kind: "exp" } }, 'schedule.kind: must be one of linear, quadratic, cosine, sigmoid, got "exp"'],
    [{ schedule: { T: 0 } }, "schedule.T: must be an integer from 1 to 100000, got 0"],
    [{ schedule: { T: 100001 } }, "schedule.T: must be an integer from 1 to 100000, got 100001"],
    [{ schedule: { betaStart: 0 } }, "schedule.betaStart: must be a number in (0, 1), got 0"],
    [{ schedule: { betaEnd: 1 } }, "schedule.betaEnd: must be a number in (0, 1), got 1"],
    [
      { schedule: { betaStart: 0.01, betaEnd: 0.005 } },
      "schedule.betaEnd: must be greater than betaStart (0.01), got 0.005",
    ],
    [{ model: { parameterization: "score" } }, 'model.parameterization: must be one of eps, x0, v, got "score"'],
    [{ model: { hidden: [] } }, "model.hidden: must list 1 to 8 layer widths, got []"],
    [
      { model: { hidden: [1, 1, 1, 1, 1, 1, 1, 1, 1] } },
      "model.hidden: must list 1 to 8 layer widths, got [1,1,1,1,1,1,1,1,1]",
    ],
    [{ model: { hidden: [128, 0] } }, "model.hidden[1]: must be an integer from 1 to 1024, got 0"],
    [{ model: { hidden: [1025] } }, "model.hidden[0]: must be an integer from 1 to 1024, got 1025"],
    [{ model: { embeddingDim: 16 } }, "model.embeddingDim: must be 32, got 16"],
    [{ backend: "" }, `backend: must be one of ${TRAIN_BACKENDS.join(", ")}, got ""`],
    [{ backend: "cuda" }, `backend: must be one of ${TRAIN_BACKENDS.join(", ")}, got "cuda"`],
    [{ backend: 3 }, `backend: must be one of ${TRAIN_BACKENDS.join(", ")}, got 3`],
    [{ training: [] }, "training: must be an object, got []"],
    [{ dataset: null }, "dataset: must be an object, got null"],
    [3, "config: must be an object, got 3"],
    [null, "config: must be an object, got null"],
    [
      { training: { learningRate: 0.1 } },
      "training.learningRate: unknown key (allowed: steps, batch, lr, lrSchedule, warmup, ema, seed, reflow, checkpoints, logEvery)",
    ],
    [{ data: {} }, "data: unknown key (allowed: dataset, schedule, model, training, backend)"],
  ];
  it.each(cases)("%j", (json, expected) => {
    expect(message(json)).toBe(expected);
  });
});

describe("configHash", () => {
  it("is the SHA-256 of the sorted-key JSON of the weight-relevant fields", async () => {
    // Canonical text and digest computed with Python: json.dumps(d, sort_keys=True, separators=(",", ":")), hashlib.sha256.
    const text =
      '{"algorithm":1,"backend":null,"dataset":{"n":2048,"name":"spiral","seed":0},"model":{"embeddingDim":32,"hidden":[128,128,128],"parameterization":"eps"},"schedule":{"T":1000,"betaEnd":0.02,"betaStart":0.0001,"kind":"linear"},"training":{"batch":1024,"ema":0.999,"lr":0.01,"lrSchedule":"cosine","seed":0,"steps":10000,"warmup":500}}';
    const { checkpoints: _c, logEvery: _l, ...training } = DEFAULT_TRAIN_CONFIG.training;
    // A DDPM config holds no objective key (canonicalJson skips it), so DDPM hashes stay what they were before it existed.
    expect(canonicalJson({ algorithm: 1, backend: null, ...DEFAULT_TRAIN_CONFIG, training })).toBe(text);
    expect(await configHash(DEFAULT_TRAIN_CONFIG)).toBe(
      "5f3187713fe5120386f87b45eda33182ec4f7642b91e26c641af7235c86d3109",
    );
  });

  it("does not depend on key order", async () => {
    // parseTrainConfig already lists keys in schema order, so build a config whose keys run backwards.
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]))
        : value;
    const config = parseTrainConfig({ training: { lr: 0.002, steps: 500 }, dataset: { seed: 3, name: "ring" } });
    const backwards = reversed(config) as TrainConfig;
    expect(Object.keys(backwards)[0]).toBe("training");
    expect(Object.keys(backwards.training)[0]).toBe("logEvery");
    expect(await configHash(backwards)).toBe(await configHash(config));
  });

  const base = "5f3187713fe5120386f87b45eda33182ec4f7642b91e26c641af7235c86d3109"; // configHash(DEFAULT_TRAIN_CONFIG), checked above
  const changed: [string, object][] = [
    ["training.lr", { training: { lr: 0.002 } }],
    ["training.seed", { training: { seed: 1 } }],
    ["training.steps", { training: { steps: 9999 } }],
    ["training.batch", { training: { batch: 128 } }],
    ["training.ema", { training: { ema: 0.99 } }],
    ["training.lrSchedule", { training: { lrSchedule: "constant" } }],
    ["training.warmup", { training: { warmup: 100 } }],
    ["dataset.seed", { dataset: { seed: 1 } }],
    ["dataset.noise", { dataset: { noise: 0.2 } }],
    ["schedule.betaEnd", { schedule: { betaEnd: 0.03 } }],
    ["model.parameterization", { model: { parameterization: "v" } }],
    ["model.hidden", { model: { hidden: [128, 128] } }],
    ["backend", { backend: "tfjs-wasm" }],
  ];
  it.each(changed)("changes with %s", async (_name, json) => {
    expect(await configHash(parseTrainConfig(json))).not.toBe(base);
  });

  it("ignores logging-only fields and the β that cosine does not use", async () => {
    expect(await configHash(parseTrainConfig({ training: { logEvery: 1, checkpoints: [0, 7] } }))).toBe(base);
    const cosine = (betaStart: number) => configHash(parseTrainConfig({ schedule: { kind: "cosine", betaStart } }));
    expect(await cosine(0.001)).toBe(await cosine(0.0001));
  });
});

describe("learningRate", () => {
  const training = (json: object): TrainConfig["training"] => parseTrainConfig({ training: json }).training;

  it("is constant when asked", () => {
    const t = training({ steps: 100, lr: 0.01, lrSchedule: "constant", warmup: 0 });
    expect([0, 50, 99].map((k) => learningRate(t, k))).toEqual([0.01, 0.01, 0.01]);
  });

  it("warms up linearly, then follows a half cosine down to lr·sin²(π/2n) at the last update", () => {
    const t = training({ steps: 110, lr: 0.01, warmup: 10, lrSchedule: "cosine" });
    expect(learningRate(t, 0)).toBeCloseTo(0.001, 15);
    expect(learningRate(t, 4)).toBeCloseTo(0.005, 15);
    expect(learningRate(t, 9)).toBeCloseTo(0.01, 15);
    expect(learningRate(t, 10)).toBeCloseTo(0.01, 15);
    expect(learningRate(t, 60)).toBeCloseTo(0.005, 15); // halfway through the n = 100 cosine steps
    // ½(1 + cos(π·99/100)) = sin²(π/200)
    expect(learningRate(t, 109)).toBeCloseTo(0.01 * Math.sin(Math.PI / 200) ** 2, 15);
    expect(learningRate(t, 109)).toBeGreaterThan(0);
  });

  it("rejects updates outside the run", () => {
    const t = training({ steps: 10 });
    expect(() => learningRate(t, 10)).toThrow(/k must be an integer from 0 to 9, got 10/);
    expect(() => learningRate(t, -1)).toThrow(RangeError);
  });
});
