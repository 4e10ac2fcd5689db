/** `--data FILE`: the user's own points for train, sample, quality, evaluate and dataset, and its one-line errors. */
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chisel } from "../support/cli.js";
import { READ_LIMITS } from "../../src/io/files.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-data-cli-"));

/** A small two-cluster CSV in the user's own units (hundreds), with a header and CRLF line ends. */
const csv = join(scratch, "clusters.csv");
writeFileSync(
  csv,
  "x,y\r\n" + Array.from({ length: 60 }, (_, i) => `${(i % 2 ? 300 : 100) + (i % 5)},${50 + (i % 7)}`).join("\r\n") + "\r\n\r\n",
);

function ok(...args: string[]) {
  const result = chisel(...args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** A refusal: exit 2 and exactly one stderr line, matching `line`. */
function refused(line: RegExp, ...args: string[]) {
  const result = chisel(...args);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr.trim()).toMatch(line);
}

describe("chisel --data", () => {
  const run = join(scratch, "run");

  it("dataset --data prints the points as training sees them, and how they were normalised", () => {
    const out = ok("dataset", "--data", csv);
    expect(out).toMatchObject({ file: csv, format: "csv", n: 60 });
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.normalisation.centre[0]).toBeCloseTo(202, 10);
    expect(out.points).toHaveLength(60);
    const reach = Math.max(...out.points.flat().map(Math.abs));
    expect(reach).toBeCloseTo(1.5, 12);
  });

  it("train --data trains on the file for a few steps and records its SHA-256 in the run", () => {
    const out = ok("train", "--data", csv, "--steps", "30", "--batch", "64", "--out", run, "--quiet");
    expect(out).toMatchObject({ status: "completed", steps: 30, dataset: { file: csv, n: 60, format: "csv" } });
    const manifest = JSON.parse(readFileSync(join(run, "manifest.json"), "utf8"));
    // Outside the project the path is recorded absolute; the hash keys on the content.
    expect(manifest.config.dataset).toMatchObject({ file: csv, sha256: out.dataset.sha256 });
    expect(manifest.configHash).toBe(out.configHash);
  });

  it("sample --model samples the trained run; sample --data runs the oracle of the file", () => {
    const trained = ok("sample", "--model", run, "--n", "20", "--steps", "5", "--sampler", "ddim");
    expect(trained.samples).toHaveLength(20);
    const oracle = ok("sample", "--data", csv, "--n", "20", "--steps", "10", "--sampler", "ddim");
    expect(oracle.data).toMatchObject({ file: csv, n: 60 });
    // The oracle's samples land on the normalised data: within its ±1.5 square, give or take.
    expect(Math.max(...oracle.samples.flat().map(Math.abs))).toBeLessThan(2);
    refused(/^chisel: --data goes with the oracle: a trained --model samples what it learned$/, "sample", "--model", run, "--data", csv);
  });

  it("quality scores a run against its file, given with --data (outside the project a run's own path is not read)", () => {
    refused(/^chisel: --model .* trained on .*clusters\.csv: lies outside the project folder .*; pass --data with that file$/, "quality", "--model", run, "--samplers", "ddim", "--steps", "5", "--seeds", "1", "--n", "20");
    const out = ok("quality", "--model", run, "--data", csv, "--samplers", "ddim", "--steps", "5", "--seeds", "1", "--n", "20");
    expect(out.dataset).toEqual({ file: csv, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(out.rows).toHaveLength(1);
    expect(out.floor.precision.mean).toBeGreaterThan(0.5);
  });

  it("evaluate --data scores samples against the normalised file with a split-half floor", () => {
    const samples = join(scratch, "samples.json");
    writeFileSync(samples, JSON.stringify(ok("sample", "--data", csv, "--n", "40", "--steps", "20", "--sampler", "ddim")));
    const out = ok("evaluate", "--samples", samples, "--data", csv);
    expect(out).toMatchObject({ n: 40, referenceN: 60, data: { n: 60 }, floor: { method: "split-half" } });
    expect(out.precision).toBeGreaterThan(0.5);
    refused(/^chisel: give either --reference FILE or --data FILE$/, "evaluate", "--samples", samples, "--data", csv, "--reference", csv);
  });

  it("refuses a missing file, a bad row, too many points, a file too large and a clash, in one line, exit 2", () => {
    refused(/^chisel: --data .*none\.csv: no such file$/, "train", "--data", join(scratch, "none.csv"), "--out", join(scratch, "r1"));
    const bad = join(scratch, "bad.csv");
    writeFileSync(bad, "x,y\n1,2\n3,4\n5;6\n");
    refused(/^chisel: --data .*bad\.csv: points: line 4 has 1 column, need exactly 2 \(x,y\)$/, "train", "--data", bad, "--out", join(scratch, "r2"));
    const many = join(scratch, "many.csv");
    writeFileSync(many, Array.from({ length: 100_001 }, (_, i) => `${i},${i % 3}`).join("\n"));
    refused(/^chisel: --data .*many\.csv: points: got 100,001 rows, need 1 to 100,000 rows$/, "sample", "--data", many);
    const big = join(scratch, "big.csv");
    writeFileSync(big, "");
    truncateSync(big, READ_LIMITS.points + 1);
    refused(/^chisel: --data .*big\.csv: larger than the 128 MB limit for points files$/, "evaluate", "--samples", csv, "--data", big);
    const same = join(scratch, "same.csv");
    writeFileSync(same, "1,1\n1,1\n");
    refused(/^chisel: --data .*same\.csv: points: all 2 points are the same point, need at least 2 distinct points$/, "quality", "--data", same);
    refused(/^chisel: --dataset-n cannot be combined with --data: the file brings its own points$/, "train", "--data", csv, "--dataset-n", "50", "--out", join(scratch, "r3"));
    refused(/^chisel: --data and --dataset both name the oracle's data: give one$/, "sample", "--data", csv, "--dataset", "ring");
    // Nothing was written for a refused train.
    expect(() => readFileSync(join(scratch, "r1", "manifest.json"))).toThrow();
  });

  it("train --config reads dataset.file relative to the project root, refusing one outside it", () => {
    const config = join(scratch, "config.json");
    writeFileSync(config, JSON.stringify({ dataset: { file: "data/datasets/heart.csv" }, training: { steps: 5, batch: 32 } }));
    const out = ok("train", "--config", config, "--out", join(scratch, "heart"), "--quiet");
    expect(out.dataset).toMatchObject({ file: "data/datasets/heart.csv", n: 400 });
    const outside = join(scratch, "outside.json");
    writeFileSync(outside, JSON.stringify({ dataset: { file: csv }, training: { steps: 5 } }));
    refused(/^chisel: --config .*outside\.json: dataset\.file .*clusters\.csv: lies outside the project folder/, "train", "--config", outside, "--out", join(scratch, "r4"));
  });

  it("report --config with a dataset file builds the model, and a rebuild finds the same run by the file's content", () => {
    const config = join(scratch, "own.json");
    writeFileSync(config, JSON.stringify({
      name: "own-data", title: "Own data", train: { dataset: { file: "data/datasets/heart.csv" }, training: { steps: 20, batch: 64 } },
      samplers: [{ sampler: "ddim" }], steps: [5], seeds: [0], n: 20,
    }));
    const dirs = ["--reports-dir", join(scratch, "reports"), "--runs-dir", join(scratch, "runs"), "--quiet"];
    expect(ok("report", "--config", config, ...dirs).reports[0].runs[0].trained).toBe(true);
    expect(ok("report", "--config", config, ...dirs).reports[0].runs[0].trained).toBe(false);
    const report = JSON.parse(readFileSync(join(scratch, "reports", "own-data", "report.json"), "utf8"));
    expect(report.runs[0].train.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.runs[0].quality.dataset).toEqual({ file: "data/datasets/heart.csv", sha256: report.runs[0].train.dataset.sha256 });
  });

  it("states the limits in --help", () => {
    const result = chisel("train", "--help");
    expect(result.stdout).toMatch(/--data +a points file \(CSV x,y rows with an optional header, or JSON \[\[x, y\], …\]\) .*1 to 100,000 points.*at most 128 MB/);
  });
});
