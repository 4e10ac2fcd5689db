import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configHash, parseTrainConfig } from "../../src/core/training/config.js";
import { parseManifest } from "../../src/core/training/checkpoint.js";
import { batchStream } from "../../src/core/training/batches.js";
import { makeEvalSet } from "../../src/core/training/evaluation.js";
import { trainingPoints } from "../../src/core/training/data.js";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { makeDataset } from "../../src/core/datasets.js";

const A = "a".repeat(64);
const B = "b".repeat(64);
const root = new URL("../../", import.meta.url).pathname;

describe("dataset.file in a training config", () => {
  it("takes a file with or without its SHA-256; the parsed config holds the file and the hash", () => {
    expect(parseTrainConfig({ dataset: { file: "data/datasets/heart.csv" } }).dataset.file).toBe("data/datasets/heart.csv");
    expect(parseTrainConfig({ dataset: { file: "x.csv", sha256: A } }).dataset.sha256).toBe(A);
  });

  it("refuses what a file dataset cannot take, in one line naming the key", () => {
    expect(() => parseTrainConfig({ dataset: { file: "x.csv", name: "moons" } })).toThrow(
      /^dataset\.name: cannot be set with dataset\.file, which brings its own points, got "moons"$/,
    );
    expect(() => parseTrainConfig({ dataset: { file: "x.csv", noise: 0.1 } })).toThrow(/^dataset\.noise: cannot be set with dataset\.file/);
    expect(() => parseTrainConfig({ dataset: { file: "x.csv", n: 10 } })).toThrow(/^dataset\.n: cannot be set with dataset\.file/);
    expect(() => parseTrainConfig({ dataset: { sha256: A } })).toThrow(/^dataset\.sha256: is the SHA-256 of dataset\.file, which is not given/);
    expect(() => parseTrainConfig({ dataset: { file: "x.csv", sha256: "ABC" } })).toThrow(/^dataset\.sha256: must be 64 lowercase hex digits/);
    expect(() => parseTrainConfig({ dataset: { file: "" } })).toThrow(/^dataset\.file: must be the path of a CSV or JSON points file/);
    expect(() => parseTrainConfig({ dataset: { file: 3 } })).toThrow(/^dataset\.file: must be the path/);
  });

  it("parses its own output again (a run's manifest holds the parsed config)", () => {
    const config = parseTrainConfig({ dataset: { file: "x.csv", sha256: A } });
    expect(parseTrainConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });
});

describe("configHash of a file dataset", () => {
  const hash = (dataset: object) => configHash(parseTrainConfig({ dataset }));

  it("keys on the content (SHA-256), not the path: moving the file keeps the hash, other content changes it", async () => {
    expect(await hash({ file: "data/datasets/heart.csv", sha256: A })).toBe(await hash({ file: "/elsewhere/moved.csv", sha256: A }));
    expect(await hash({ file: "data/datasets/heart.csv", sha256: A })).not.toBe(await hash({ file: "data/datasets/heart.csv", sha256: B }));
    expect(await hash({ file: "x.csv", sha256: A })).not.toBe(await hash({ name: "spiral" }));
  });

  it("refuses to hash a file whose content was not read", async () => {
    await expect(hash({ file: "x.csv" })).rejects.toThrow(/dataset\.file x\.csv: its SHA-256 is not filled in yet/);
  });

  it("leaves the hashes of built-in datasets as they were: every committed report's runs still match", async () => {
    const manifests = readdirSync(`${root}data/reports`).flatMap((report) =>
      existsSync(`${root}data/reports/${report}/report.json`)
        ? readdirSync(`${root}data/reports/${report}`).filter((run) => run.startsWith("run-")).map((run) => `data/reports/${report}/${run}/manifest.json`)
        : []
    );
    expect(manifests.length).toBeGreaterThan(0);
    for (const path of manifests) {
      const manifest = parseManifest(JSON.parse(readFileSync(`${root}${path}`, "utf8")));
      expect(await configHash(manifest.config), path).toBe(manifest.configHash);
    }
  });
});

describe("training points", () => {
  const fileConfig = parseTrainConfig({ dataset: { file: "x.csv", sha256: A }, training: { batch: 8 } });
  const points = Float64Array.from([-1.5, 0, 1.5, 0, 0, 1.5, 0, -1.5]);

  it("are the file's points for a file dataset, which must be given, and the built-in draw otherwise", () => {
    expect(trainingPoints(fileConfig.dataset, points)).toBe(points);
    expect(() => trainingPoints(fileConfig.dataset)).toThrow(/dataset\.file x\.csv: its points were not given/);
    const builtIn = parseTrainConfig({});
    expect(trainingPoints(builtIn.dataset)).toEqual(makeDataset("spiral"));
    expect(() => trainingPoints(builtIn.dataset, points)).toThrow(/points were given for the built-in dataset spiral/);
  });

  it("feed the batches: every x_0 of a batch is one of the file's points", () => {
    // With the ε target, x_t = √ᾱ x_0 + √(1 − ᾱ) ε and target = ε give x_0 back.
    const config = parseTrainConfig({ ...fileConfig, schedule: { T: 10 } });
    const next = batchStream(config, points);
    const batch = next();
    expect(batch.xt.length).toBe(16);
    const known = new Set(["-1.5,0", "1.5,0", "0,1.5", "0,-1.5"]);
    const alphaBars = (() => {
      let product = 1;
      const betas = Array.from({ length: 10 }, (_, i) => 1e-4 + ((0.02 - 1e-4) * i) / 9);
      return betas.map((beta) => (product *= 1 - beta));
    })();
    for (let i = 0; i < 8; i++) {
      const a = alphaBars[batch.t[i]];
      const x = (batch.xt[2 * i] - Math.sqrt(1 - a) * batch.target[2 * i]) / Math.sqrt(a);
      const y = (batch.xt[2 * i + 1] - Math.sqrt(1 - a) * batch.target[2 * i + 1]) / Math.sqrt(a);
      expect(known.has(`${Math.round(x * 100) / 100 || 0},${Math.round(y * 100) / 100 || 0}`)).toBe(true);
    }
  });

  it("score the checkpoints: the evaluation set resamples the file's points", () => {
    const set = makeEvalSet(fileConfig, 16, points);
    expect(set.xt.length).toBe(2 * 16 * set.buckets.length);
    expect(() => makeEvalSet(fileConfig, 16)).toThrow(/its points were not given/);
  });
});

describe("dataset.file in a report config", () => {
  it("passes through to every run's training config", () => {
    const config = parseReportConfig({ name: "own", title: "Own data", train: { dataset: { file: "data/datasets/heart.csv" } } });
    expect(config.runs[0].train.dataset.file).toBe("data/datasets/heart.csv");
    expect(() => parseReportConfig({ name: "own", title: "Own", train: { dataset: { file: "a.csv", name: "ring" } } })).toThrow(
      /^train\.dataset\.name: cannot be set with dataset\.file/,
    );
  });
});
