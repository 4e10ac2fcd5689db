/**
 * Assembling a report from self-contained shard outputs refuses, in one line and publishing nothing,
 * what no shard built: a sample file damaged in transfer, a shard.json whose runs disagree with the
 * config (another training config, missing or extra samples, a quality table of the wrong shape), links
 * in place of shard or run folders, and shards built from different commits. Outputs of other reports
 * gathered in the same folder are left alone, even broken ones, as long as their name can be read.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseReportConfig } from "../../src/core/reports/config.js";
import type { Report } from "../../src/core/reports/report.js";
import { assembleReport, buildReport } from "../../src/io/reports/build.js";
import type { ShardDocument } from "../../src/io/reports/shards.js";
import { chisel, root } from "../support/cli.js";
import { deterministicReport } from "../support/reportFields.js";
import { tinyReportInput } from "../support/tinyReport.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-shards-"));
const runsDir = join(scratch, "runs");
const built = join(scratch, "built");

/** A two-run sweep, a few training steps each: shard 1/2 builds run-0, shard 2/2 builds run-1. */
const INPUT = tinyReportInput();
const config = parseReportConfig(INPUT);
const configFile = join(scratch, "tiny.json");

/** A fresh folder of gathered shard outputs: copies of the built ones, by their names in `built`. */
function gather(...names: string[]): string {
  const dir = mkdtempSync(join(scratch, "gathered-"));
  for (const name of names) cpSync(join(built, name), join(dir, name), { recursive: true });
  return dir;
}
const gatherBoth = () => gather("tiny-1-of-2", "tiny-2-of-2");

/** Rewrites the shard.json of `shard` in the gathered folder `dir`. */
function editRecord(dir: string, shard: string, edit: (record: ShardDocument & Record<string, unknown>) => void): void {
  const file = join(dir, shard, "shard.json");
  const record = JSON.parse(readFileSync(file, "utf8"));
  edit(record);
  writeFileSync(file, JSON.stringify(record));
}

/** A copy of the gathered shards with the shard.json of tiny-2-of-2 edited. */
function withRecord(edit: (record: ShardDocument & Record<string, unknown>) => void): string {
  const dir = gatherBoth();
  editRecord(dir, "tiny-2-of-2", edit);
  return dir;
}

/** Line 2 (the first sample) of a CSV changed by one digit, its length kept. */
function damageSecondLine(file: string): void {
  const lines = readFileSync(file, "utf8").split("\n");
  lines[1] = lines[1].replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
  writeFileSync(file, lines.join("\n"));
}

const assembleFrom = (from: string, reportsDir = mkdtempSync(join(scratch, "assembled-"))) => assembleReport(config, { reportsDir, runsDir, from });

beforeAll(async () => {
  writeFileSync(configFile, JSON.stringify(INPUT));
  for (const index of [1, 2]) {
    await buildReport(config, { runsDir, shard: { index, count: 2 }, shardOut: join(built, `tiny-${index}-of-2`), parallel: 1 });
  }
}, 240_000);

describe("a shard output", () => {
  it("records where it was built and the size and hash of every sample file, which the published report leaves out", async () => {
    const record: ShardDocument = JSON.parse(readFileSync(join(built, "tiny-2-of-2", "shard.json"), "utf8"));
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    expect(record.provenance.git?.commit).toBe(head);
    expect(record.provenance.versions).toMatchObject({ deno: expect.stringMatching(/^\d+\.\d+/) });
    expect(record.provenance.host).toMatchObject({ os: expect.any(String), arch: expect.any(String) });
    const files = record.runs[0].samples.map((sample) => sample.file);
    expect(record.samples["run-1"].map((entry) => entry.file)).toEqual(files);
    for (const entry of record.samples["run-1"]) {
      const bytes = readFileSync(join(built, "tiny-2-of-2", "run-1", entry.file));
      expect(entry.bytes).toBe(bytes.length);
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    }

    const assembled = await assembleFrom(gatherBoth());
    const report: Report = JSON.parse(readFileSync(join(assembled.dir, "report.json"), "utf8"));
    expect(Object.keys(report.runs[1].samples[0]).sort()).toEqual(Object.keys(record.runs[0].samples[0]).sort());
    expect(report.runs[1]).toEqual(record.runs[0]);
    expect(deterministicReport(assembled.dir).files).toHaveProperty("run-1/samples-ddim-5.csv");
  });
});

describe("assembly refuses, in one line and publishing nothing,", () => {
  const refusals: [string, () => string, RegExp][] = [
    ["a sample file damaged in transfer", () => {
      const dir = gatherBoth();
      damageSecondLine(join(dir, "tiny-2-of-2", "run-1", "samples-ddim-5.csv"));
      return dir;
    }, /tiny-2-of-2\/run-1\/samples-ddim-5\.csv: its size or SHA-256 differs from the shard's record \(damaged in transfer\?\)$/],
    ["a sample file whose size and hash are not recorded", () => withRecord((record) => {
      record.samples["run-1"] = record.samples["run-1"].slice(1);
    }), /tiny-2-of-2\/shard\.json: records no size and SHA-256 of run-1's samples-ddim-5\.csv$/],
    ["a record without sample entries", () => withRecord((record) => {
      delete (record as Partial<ShardDocument>).samples;
    }), /tiny-2-of-2\/shard\.json: not a chisel-report-shard record/],
    ["a run without a quality table", () => withRecord((record) => {
      (record.runs[0] as { quality: unknown }).quality = null;
    }), /tiny-2-of-2\/shard\.json: run-1 has a quality table that is not a table$/],
    ["a quality table short of a row", () => withRecord((record) => {
      record.runs[0].quality.rows.pop();
    }), /tiny-2-of-2\/shard\.json: run-1 has a quality table that does not have one row per sampler × step count of this config \(4 rows\)$/],
    ["a quality row without metrics", () => withRecord((record) => {
      (record.runs[0].quality.rows[2] as { metrics: unknown }).metrics = null;
    }), /run-1 has a quality table that row 2 lacks its metrics for each seed$/],
    ["a quality table of other seeds", () => withRecord((record) => {
      record.runs[0].quality.seeds = [0];
    }), /run-1 has a quality table that has seeds \[0\], this config's are \[0,1\]$/],
    ["a run without samples", () => withRecord((record) => {
      record.runs[0].samples = [];
    }), /tiny-2-of-2\/shard\.json: run-1 holds samples none, but this config samples it as samples-ddim-5\.csv, samples-ddim-50\.csv, samples-dpm-solver-pp-5\.csv, samples-dpm-solver-pp-50\.csv$/],
    ["a run with a sample the config does not take", () => withRecord((record) => {
      record.runs[0].samples[3] = { ...record.runs[0].samples[3], steps: 7, file: "samples-dpm-solver-pp-7.csv" };
    }), /run-1 holds samples samples-ddim-5\.csv, .*samples-dpm-solver-pp-7\.csv, but this config samples it as /],
    ["a training config edited", () => withRecord((record) => {
      record.runs[0].train.training.steps = 99999;
    }), /tiny-2-of-2\/shard\.json: run-1 has a training config that does not hash to its configHash [0-9a-f]{12}…: it was edited$/],
    ["another run's training config", () => {
      const dir = gatherBoth();
      const run0 = (JSON.parse(readFileSync(join(dir, "tiny-1-of-2", "shard.json"), "utf8")) as ShardDocument).runs[0];
      editRecord(dir, "tiny-2-of-2", (record) => Object.assign(record.runs[0], { train: run0.train, configHash: run0.configHash }));
      return dir;
    }, /run-1 was trained from another training config \(hash [0-9a-f]{12}…, this config's is [0-9a-f]{12}…\)$/],
    ["a training config that differs from its manifest's outside the hash", () => withRecord((record) => {
      record.runs[0].train.training.checkpoints = [0, 20, 40];
    }), /tiny-2-of-2\/run-1\/manifest\.json: its training config differs from the one the shard's record gives run-1$/],
    ["a run of another index", () => withRecord((record) => {
      record.runs[0].index = 0;
    }), /run-1 is not run 1 of this config \(its index, label or swept values differ\)$/],
    ["a run without its loss history", () => withRecord((record) => {
      (record.runs[0] as { lossHistory: unknown }).lossHistory = null;
    }), /tiny-2-of-2\/shard\.json: run-1 has no valid lossHistory$/],
    ["a link to a shard output", () => {
      const dir = gather("tiny-1-of-2");
      symlinkSync(join(built, "tiny-2-of-2"), join(dir, "tiny-2-of-2"));
      return dir;
    }, /gathered-\w+\/tiny-2-of-2 is a link, not a folder: gather shard outputs as folders/],
    ["a link to a run folder", () => {
      const dir = gatherBoth();
      renameSync(join(dir, "tiny-2-of-2", "run-1"), join(dir, "elsewhere"));
      symlinkSync(join(dir, "elsewhere"), join(dir, "tiny-2-of-2", "run-1"));
      return dir;
    }, /tiny-2-of-2\/run-1 is a link, not a folder$/],
    ["a link to a shard.json", () => {
      const dir = gatherBoth();
      renameSync(join(dir, "tiny-2-of-2", "shard.json"), join(dir, "elsewhere.json"));
      symlinkSync(join(dir, "elsewhere.json"), join(dir, "tiny-2-of-2", "shard.json"));
      return dir;
    }, /tiny-2-of-2\/shard\.json: a link, not a file$/],
    ["shards built from different commits", () => withRecord((record) => {
      record.provenance.git = { commit: "f".repeat(40) };
    }), /^tiny: shards built from different commits: .*tiny-1-of-2 \(shard 1\/2\) from commit [0-9a-f]{40}, .*tiny-2-of-2 \(shard 2\/2\) from commit f{40}: rebuild them from one commit$/],
    ["an unreadable shard.json whose report cannot be told", () => {
      const dir = gatherBoth();
      cpSync(join(built, "tiny-1-of-2"), join(dir, "mystery"), { recursive: true });
      writeFileSync(join(dir, "mystery", "shard.json"), '{"format": "chisel-report-shard", "name": "oth');
      return dir;
    }, /mystery\/shard\.json: .*JSON/],
  ];
  it.each(refusals)("%s", async (_, make, message) => {
    const reportsDir = mkdtempSync(join(scratch, "assembled-"));
    const error = await assembleFrom(make(), reportsDir).catch((e) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(message);
    expect(error.message.split("\n")).toHaveLength(1);
    expect(readdirSync(reportsDir)).toEqual([]);
  });
});

describe("assembly accepts", () => {
  it("shards beside broken outputs of other reports, whose names can be read", async () => {
    const dir = gatherBoth();
    cpSync(join(built, "tiny-1-of-2"), join(dir, "other-1-of-1"), { recursive: true });
    writeFileSync(join(dir, "other-1-of-1", "shard.json"), JSON.stringify({ format: "chisel-report-shard", name: "other", runs: null }));
    await expect(assembleFrom(dir)).resolves.toMatchObject({ published: true });
  });

  it("a shard built outside a repository (no commit) with those of any commit", async () => {
    const dir = withRecord((record) => {
      delete record.provenance.git;
    });
    await expect(assembleFrom(dir)).resolves.toMatchObject({ published: true });
  });
});

describe("the CLI", () => {
  it("exits 2 with one line on a damaged sample file or a shard.json that disagrees with the config", () => {
    const damaged = gatherBoth();
    damageSecondLine(join(damaged, "tiny-1-of-2", "run-0", "samples-dpm-solver-pp-50.csv"));
    const noQuality = withRecord((record) => {
      (record.runs[0] as { quality: unknown }).quality = null;
    });
    for (const [from, message] of [
      [damaged, /run-0\/samples-dpm-solver-pp-50\.csv: its size or SHA-256 differs from the shard's record/],
      [noQuality, /run-1 has a quality table that is not a table/],
    ] as const) {
      const reportsDir = mkdtempSync(join(scratch, "cli-"));
      const result = chisel("report", "--config", configFile, "--assemble", "--from", from, "--reports-dir", reportsDir, "--quiet");
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(readdirSync(reportsDir)).toEqual([]);
    }
  }, 60_000);
});
