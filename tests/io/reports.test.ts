/**
 * Reports end to end on tiny configs (40 training steps at batch 64, T = 50), in temporary reports and
 * run-cache folders: a report builds, its downloads are valid (the ONNX runs in onnxruntime-web and
 * matches the float64 reference network on the downloaded checkpoint, the CSV parses and scores what
 * report.json says), a failed or aborted rebuild leaves the published report byte for byte, concurrent
 * builds leave a whole report, shards assemble into the same report (from the shared shards folder, or
 * from self-contained shard outputs gathered elsewhere, refusing shards that do not make one split of
 * the config), and bad configs are refused with their JSON path, by the library and by the CLI.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { createOrtDenoiser } from "../../src/engines/onnx/ortDenoiser.js";
import { createReferenceDenoiser } from "../../src/engines/reference/referenceDenoiser.js";
import { makeDataset } from "../../src/core/datasets.js";
import { parsePoints } from "../../src/core/points.js";
import { evaluate } from "../../src/core/metrics.js";
import { parseReportConfig, type ReportConfigInput } from "../../src/core/reports/config.js";
import type { Report } from "../../src/core/reports/report.js";
import { sample } from "../../src/core/sample.js";
import { straightness } from "../../src/core/straightness.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { modelDims } from "../../src/core/training/config.js";
import { assembleReport, buildReport } from "../../src/io/reports/build.js";
import { recoverReports, reportDirFor } from "../../src/io/reports/read.js";
import { parseShard, shardRuns } from "../../src/io/reports/shards.js";
import { loaderParams, reportFile, reportPage } from "../../src/data/views/reports.js";
import { asidePath, holdNewFolder, publishDir, siblingPath, sweepPublished } from "../../src/io/reports/publish.js";
import { loadCheckpoint } from "../../src/io/runStore.js";
import { chisel, chiselProcess, root } from "../support/cli.js";
import { deterministicReport } from "../support/reportFields.js";
import { tinyReportInput } from "../support/tinyReport.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-reports-"));
const runsDir = join(scratch, "runs");
/** The first build's report.json, which later builds of the same runs are compared with. */
let firstReport: Report;

const tiny = tinyReportInput;

/** A tiny sweep of the two objectives on the same data, network and budget (flow matching keeps the default schedule). */
function flowTiny(overrides: Partial<ReportConfigInput> = {}): ReportConfigInput {
  return tiny({
    name: "tiny-flow",
    train: { dataset: { n: 256 }, training: { steps: 40, batch: 64 } },
    sweep: { "model.objective": ["ddpm", "flow-matching"] },
    samplers: [{ sampler: "dpm-solver++" }, { sampler: "euler" }, { sampler: "heun" }],
    steps: [1, 5],
    seeds: [0],
    ...overrides,
  });
}

/** Every file under a folder with its bytes, by relative path. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) files.set(relative(dir, path), readFileSync(path));
  }
  return files;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
/** Leftovers of builds: temporary or set-aside report folders, unfinished runs. */
const leftovers = (reportsDir: string) => [
  ...readdirSync(reportsDir).filter((name) => name.startsWith(".") && name !== ".shards"),
  ...(existsSync(runsDir) ? readdirSync(runsDir).filter((name) => name.includes("partial")) : []),
];

/** A published report is whole: every file report.json lists is there with its size and hash, and each CSV scores what it says. */
function expectWholeReport(dir: string): Report {
  const report = readReport(dir);
  for (const run of report.runs) {
    for (const entry of [run.manifest, run.checkpoint, run.onnx]) {
      const bytes = readFileSync(join(dir, run.id, entry.file));
      expect(bytes.length).toBe(entry.bytes);
      expect(sha256(bytes)).toBe(entry.sha256);
    }
    const reference = makeDataset(run.train.dataset.name, run.train.dataset);
    for (const file of run.samples) {
      const points = parsePoints(readFileSync(join(dir, run.id, file.file), "utf8"), "csv");
      expect(points.length).toBe(2 * report.n);
      const row = run.quality.rows.find((r) => r.sampler === file.sampler.sampler && r.steps === file.steps)!;
      // The CSV holds 5 decimals: its metrics match the table's first seed to well under their spread.
      const metrics = evaluate(points, reference);
      expect(metrics.swd).toBeCloseTo(row.perSeed[0].swd, 3);
      expect(metrics.precision).toBeCloseTo(row.perSeed[0].precision, 2);
    }
  }
  return report;
}

describe("a report of a small sweep", () => {
  const reportsDir = join(scratch, "published");
  const config = parseReportConfig(tiny());

  it("builds end to end: two runs trained in parallel, evaluated, published with provenance", async () => {
    const events: string[] = [];
    const result = await buildReport(config, { reportsDir, runsDir, onProgress: (e) => events.push(e.kind) });
    expect(result).toMatchObject({ name: "tiny", dir: join(reportsDir, "tiny"), published: true });
    expect(result.runs.map((r) => [r.id, r.label, r.trained])).toEqual([["run-0", "seed = 0", true], ["run-1", "seed = 1", true]]);
    expect(events).toContain("train");
    expect(events.filter((e) => e === "run-done")).toHaveLength(2);

    const report = expectWholeReport(result.dir);
    firstReport = report;
    expect(report).toMatchObject({ format: "chisel-report", name: "tiny", sweep: ["training.seed"], seeds: [0, 1], n: 64 });
    expect(JSON.parse(readFileSync(join(result.dir, "config.json"), "utf8"))).toEqual(tiny());
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    expect(report.provenance.git?.commit).toBe(head);
    expect(report.provenance.versions).toMatchObject({ deno: expect.stringMatching(/^\d+\.\d+/), protobufjs: expect.any(String) });
    expect(report.provenance.inference).toMatch(/^the fused WebAssembly SIMD kernel \(\d threads? per run\) on the checkpoint's weights$/);
    for (const run of report.runs) {
      expect(run.train.training).toMatchObject({ steps: 40, batch: 64, seed: run.index });
      expect(run.checkpoint.step).toBe(40);
      expect(run.lossHistory.steps.at(-1)).toBe(40);
      expect(run.quality.rows.map((r) => [r.sampler, r.steps])).toEqual([["ddim", 5], ["ddim", 50], ["dpm-solver++", 5], ["dpm-solver++", 50]]);
      expect(run.samples.map((s) => s.file)).toEqual([
        "samples-ddim-5.csv",
        "samples-ddim-50.csv",
        "samples-dpm-solver-pp-5.csv",
        "samples-dpm-solver-pp-50.csv",
      ]);
    }
    // The headline is the lowest mean SWD of all rows.
    const best = Math.min(...report.runs.flatMap((run) => run.quality.rows.map((r) => r.metrics.swd.mean)));
    expect(report.headline.swd).toBe(best);
  });

  it("offers downloads that work: the ONNX in onnxruntime-web agrees with the checkpoint, the CSV is seed 0's samples", async () => {
    const dir = join(reportsDir, "tiny", "run-1");
    // The run folder is a run directory: its manifest verifies the copied checkpoint's hash.
    const { manifest, params } = await loadCheckpoint(dir);
    const reference = createReferenceDenoiser(params, { parameterization: "eps", dims: modelDims(manifest.config.model) });
    const ort = await createOrtDenoiser(new Uint8Array(readFileSync(join(dir, "model.onnx"))), { numThreads: 1 });
    try {
      const x = new Float64Array(64).map((_, i) => Math.sin(i * 1.7) * 1.3);
      for (const t of [0, 17, 49]) {
        const expected = await reference.predict(x, t);
        const actual = await ort.predict(x, t);
        for (let i = 0; i < x.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-4);
      }
      // Sampling the downloaded model again with seed 0 gives the CSV's points: to its 5 decimals, and
      // the 1e-6 or so between onnxruntime and the fused kernel that sampled the report.
      const { samples } = await sample({
        schedule: makeSchedule(manifest.config.schedule),
        denoiser: ort,
        sampler: "dpm-solver++",
        steps: 5,
        n: 64,
        seed: 0,
      });
      const csv = parsePoints(readFileSync(join(dir, "samples-dpm-solver-pp-5.csv"), "utf8"), "csv");
      for (let i = 0; i < csv.length; i++) expect(Math.abs(csv[i] - samples[i])).toBeLessThanOrEqual(5e-6 + 1e-6);
    } finally {
      await ort.dispose();
    }
  });

  it("serves the report to the site: a page naming every file, and files only from inside the report", async () => {
    const page = await reportPage("tiny", reportsDir);
    expect(page).toContain("<h1>A tiny sweep</h1>");
    expect(page).toContain('FileAttachment("./tiny/run-1/samples-dpm-solver-pp-50.csv").text()');
    expect(page).toMatch(/<a download="tiny-run-0-model\.onnx" href="\.\/tiny\/run-0\/model\.onnx">/);
    expect(page).toContain('href="./tiny/run-0/step-000040.f32"');
    expect(page).not.toMatch(/\{\{\w+\}\}/);
    const bytes = await reportFile({ name: "tiny", run: "run-0", file: "model" }, "onnx", reportsDir);
    expect(sha256(bytes)).toBe(readReport(join(reportsDir, "tiny")).runs[0].onnx.sha256);
    expect(loaderParams(["--name=tiny", "--run=run-0"], ["name", "run"])).toEqual({ name: "tiny", run: "run-0" });
    await expect(reportFile({ name: "..", file: "report" }, "json", reportsDir)).rejects.toThrow(/report name must be a slug/);
    await expect(reportFile({ name: "tiny", run: "../../..", file: "x" }, "json", reportsDir)).rejects.toThrow(/run must look like run-0/);
    await expect(reportFile({ name: "tiny", file: "../config" }, "json", reportsDir)).rejects.toThrow(/file must be a name/);
    // A link inside a report (a cloned report can carry one) never serves the file it points at.
    const secret = join(mkdtempSync(join(tmpdir(), "chisel-secret-")), "secret.csv");
    writeFileSync(secret, "x,y\n");
    symlinkSync(secret, join(reportsDir, "tiny", "run-0", "leak.csv"));
    try {
      await expect(reportFile({ name: "tiny", run: "run-0", file: "leak" }, "csv", reportsDir)).rejects.toThrow(/leak\.csv is outside report tiny/);
    } finally {
      rmSync(join(reportsDir, "tiny", "run-0", "leak.csv"));
    }
  });

  it("leaves the published report byte-identical when a rebuild fails after its first run", async () => {
    const before = snapshot(join(reportsDir, "tiny"));
    // A rebuild that would change every file (other seeds), with a fault once the first run is done.
    const changed = parseReportConfig(tiny({ seeds: [3, 4], sweep: { "training.seed": [0, 1, 2] } }));
    let finished = 0;
    await expect(buildReport(changed, {
      reportsDir,
      runsDir,
      onRun: () => {
        finished++;
        throw new Error("injected fault");
      },
    })).rejects.toThrow("injected fault");
    expect(finished).toBe(1);
    expect(snapshot(join(reportsDir, "tiny"))).toEqual(before);
    expect(leftovers(reportsDir)).toEqual([]);
  });

  it("leaves it byte-identical, and the run cache clean, when a rebuild is aborted mid-training", async () => {
    const before = snapshot(join(reportsDir, "tiny"));
    const controller = new AbortController();
    const changed = parseReportConfig(tiny({ train: { dataset: { n: 256 }, schedule: { T: 50 }, training: { steps: 20_000, batch: 64 } } }));
    await expect(buildReport(changed, {
      reportsDir,
      runsDir,
      signal: controller.signal,
      onProgress: (event) => event.kind === "train" && controller.abort(new Error("interrupted")),
    })).rejects.toThrow("interrupted");
    expect(snapshot(join(reportsDir, "tiny"))).toEqual(before);
    // The run in training is stopped and its unfinished folder deleted: the run cache holds complete runs only.
    expect(leftovers(reportsDir)).toEqual([]);
  });

  it("leaves a whole report when two builds of it run at once", async () => {
    const a = parseReportConfig(tiny({ seeds: [5] }));
    const b = parseReportConfig(tiny({ seeds: [6], n: 80 }));
    const results = await Promise.all([buildReport(a, { reportsDir, runsDir, parallel: 1 }), buildReport(b, { reportsDir, runsDir, parallel: 1 })]);
    expect(results.map((r) => r.published)).toEqual([true, true]);
    const report = expectWholeReport(join(reportsDir, "tiny"));
    // The last writer's version, whole: its seeds and its sample count go together.
    expect([[5], [6]]).toContainEqual(report.seeds);
    expect(report.n).toBe(report.seeds[0] === 5 ? 64 : 80);
    expect(leftovers(reportsDir)).toEqual([]);
  });
});

describe("shards", () => {
  it("split the runs, and the last one assembles the same report as one build", async () => {
    const config = parseReportConfig(tiny({ name: "sharded" }));
    expect(shardRuns(parseReportConfig(tiny({ sweep: { "training.seed": [0, 1, 2] } })).runs, parseShard("1/2")).map((r) => r.id))
      .toEqual(["run-0", "run-2"]);
    const reportsDir = join(scratch, "sharded");
    const first = await buildReport(config, { reportsDir, runsDir, shard: { index: 2, count: 2 } });
    expect(first).toMatchObject({ published: false, dir: join(reportsDir, ".shards", "sharded", "2-of-2") });
    expect(first.runs.map((r) => r.id)).toEqual(["run-1"]);
    expect(existsSync(join(reportsDir, "sharded"))).toBe(false);
    const second = await buildReport(config, { reportsDir, runsDir, shard: { index: 1, count: 2 } });
    expect(second).toMatchObject({ published: true, dir: join(reportsDir, "sharded") });
    expect(second.runs.map((r) => r.id)).toEqual(["run-0"]);
    expect(existsSync(join(reportsDir, ".shards", "sharded"))).toBe(false);
    const assembled = expectWholeReport(join(reportsDir, "sharded"));
    expect(assembled.provenance.shards).toBe(2);
    // Where each shard was built travels with the report, not only where it was assembled.
    expect(assembled.provenance.builds?.map((build) => build.shard)).toEqual([{ index: 1, count: 2 }, { index: 2, count: 2 }]);
    for (const build of assembled.provenance.builds ?? []) expect(build.versions.deno).toBeDefined();
    // The first test built the same runs as one report (under another name): the numbers agree, as sampling is seeded.
    const whole = firstReport;
    expect(whole.seeds).toEqual(assembled.seeds);
    expect(assembled.runs.map((r) => r.quality)).toEqual(whole.runs.map((r) => r.quality));
    expect(assembled.runs.map((r) => r.onnx.sha256)).toEqual(whole.runs.map((r) => r.onnx.sha256));
  });

  describe("as self-contained outputs gathered in one folder", () => {
    const config = parseReportConfig(tiny());
    const built = join(scratch, "shard-outputs");
    /** A fresh folder of gathered shard outputs: copies of the built ones, by their names in `built`. */
    const gather = (...names: string[]) => {
      const dir = mkdtempSync(join(scratch, "gathered-"));
      for (const name of names) cpSync(join(built, name), join(dir, name), { recursive: true });
      return dir;
    };
    const assembleFrom = (from: string, reportsDir = mkdtempSync(join(scratch, "assembled-"))) =>
      assembleReport(config, { reportsDir, runsDir, from });

    it("build anywhere and assemble, from the gathered outputs alone, the report of one build", async () => {
      for (const index of [1, 2]) {
        const shardOut = join(built, `tiny-${index}-of-2`);
        const result = await buildReport(config, { runsDir, shard: { index, count: 2 }, shardOut });
        expect(result).toMatchObject({ published: false, dir: shardOut, runs: [{ id: `run-${index - 1}` }] });
        expect(readdirSync(shardOut).sort()).toEqual([`run-${index - 1}`, "shard.json"]);
      }
      // A third-of-three shard of this two-run sweep is a real, empty shard: used below as a mixed split.
      await buildReport(config, { runsDir, shard: { index: 3, count: 3 }, shardOut: join(built, "tiny-3-of-3") });
      expect(readdirSync(built).filter((name) => name.startsWith("."))).toEqual([]);

      const from = gather("tiny-1-of-2", "tiny-2-of-2");
      const reportsDir = mkdtempSync(join(scratch, "assembled-"));
      const assembled = await assembleFrom(from, reportsDir);
      expect(assembled).toMatchObject({ published: true, dir: join(reportsDir, "tiny") });
      expect(expectWholeReport(assembled.dir).provenance.shards).toBe(2);
      expect(readdirSync(from).sort()).toEqual(["tiny-1-of-2", "tiny-2-of-2"]); // gathered outputs are left as they were
      const wholeDir = mkdtempSync(join(scratch, "whole-"));
      await buildReport(config, { reportsDir: wholeDir, runsDir });
      expect(deterministicReport(assembled.dir)).toEqual(deterministicReport(join(wholeDir, "tiny")));
      // A single shard output may be named directly, and shards of other reports in the folder are left alone.
      const other = parseReportConfig(tiny({ name: "other", sweep: undefined }));
      await buildReport(other, { runsDir, shard: { index: 1, count: 1 }, shardOut: join(from, "other-1-of-1") });
      await expect(assembleFrom(from)).resolves.toMatchObject({ published: true });
      await expect(assembleReport(other, { reportsDir: mkdtempSync(join(scratch, "assembled-")), runsDir, from: join(from, "other-1-of-1") }))
        .resolves.toMatchObject({ published: true });
    });

    const refusals: [string, () => string, RegExp][] = [
      ["a gap", () => gather("tiny-2-of-2"), /^tiny: shard 1\/2 missing from .*gathered-\w+ \(found 2\/2\)$/],
      ["a duplicate", () => {
        const dir = gather("tiny-1-of-2", "tiny-2-of-2");
        cpSync(join(dir, "tiny-2-of-2"), join(dir, "copy-of-2"), { recursive: true });
        return dir;
      }, /^tiny: .*copy-of-2 and .*tiny-2-of-2 are both shard 2\/2$/],
      ["mixed splits", () => gather("tiny-1-of-2", "tiny-2-of-2", "tiny-3-of-3"), /^tiny: shards of different splits: .*tiny-1-of-2 is shard 1\/2, .*tiny-3-of-3 is shard 3\/3$/],
      ["no shard of this report", () => mkdtempSync(join(scratch, "empty-")), /^tiny: no shard outputs of this report in /],
      ["a file damaged in transfer", () => {
        const dir = gather("tiny-1-of-2", "tiny-2-of-2");
        const file = join(dir, "tiny-2-of-2", "run-1", "step-000040.f32");
        const bytes = readFileSync(file);
        bytes[100] ^= 1;
        writeFileSync(file, bytes);
        return dir;
      }, /tiny-2-of-2\/run-1\/step-000040\.f32: its size or SHA-256 differs from the shard's record/],
      ["a link in place of a file", () => {
        const dir = gather("tiny-1-of-2", "tiny-2-of-2");
        const file = join(dir, "tiny-1-of-2", "run-0", "samples-ddim-5.csv");
        renameSync(file, join(dir, "elsewhere.csv"));
        symlinkSync(join(dir, "elsewhere.csv"), file);
        return dir;
      }, /tiny-1-of-2\/run-0\/samples-ddim-5\.csv: not a regular file$/],
      ["a record that is not a shard's", () => {
        const dir = gather("tiny-1-of-2", "tiny-2-of-2");
        writeFileSync(join(dir, "tiny-1-of-2", "shard.json"), JSON.stringify({ format: "chisel-report-shard", name: "tiny" }));
        return dir;
      }, /tiny-1-of-2\/shard\.json: not a chisel-report-shard record/],
      ["a run recorded without its files", () => {
        const dir = gather("tiny-1-of-2", "tiny-2-of-2");
        const file = join(dir, "tiny-2-of-2", "shard.json");
        const record = JSON.parse(readFileSync(file, "utf8"));
        delete record.runs[0].samples;
        writeFileSync(file, JSON.stringify(record));
        return dir;
      }, /tiny-2-of-2\/shard\.json: run-1 lacks its manifest, checkpoint, ONNX or samples entries$/],
      ["a file name that leaves the run's folder", () => {
        const dir = gather("tiny-1-of-2", "tiny-2-of-2");
        const file = join(dir, "tiny-2-of-2", "shard.json");
        const record = JSON.parse(readFileSync(file, "utf8"));
        record.runs[0].samples[0].file = "../../tiny-1-of-2/shard.json";
        writeFileSync(file, JSON.stringify(record));
        return dir;
      }, /tiny-2-of-2\/run-1: names the file "\.\.\/\.\.\/tiny-1-of-2\/shard\.json", not a plain file name$/],
    ];
    it.each(refusals)("refuse %s with one line, publishing nothing", async (_, make, message) => {
      const reportsDir = mkdtempSync(join(scratch, "assembled-"));
      const error = await assembleFrom(make(), reportsDir).catch((e) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toMatch(message);
      expect(error.message.split("\n")).toHaveLength(1);
      expect(readdirSync(reportsDir)).toEqual([]);
    });

    it("refuse shards built from another config of the same name", async () => {
      const changed = parseReportConfig(tiny({ seeds: [0] }));
      const from = gather("tiny-1-of-2", "tiny-2-of-2");
      await expect(assembleReport(changed, { reportsDir: mkdtempSync(join(scratch, "assembled-")), runsDir, from }))
        .rejects.toThrow(/^tiny: .*tiny-1-of-2 is shard 1\/2 of another config \(hash [0-9a-f]{12}…, this config's is [0-9a-f]{12}…\): rebuild it$/);
    });

    it("never replace a folder that is not a shard output", async () => {
      const dir = mkdtempSync(join(scratch, "mine-"));
      writeFileSync(join(dir, "notes.txt"), "mine");
      await expect(buildReport(config, { runsDir, shard: { index: 1, count: 2 }, shardOut: dir })).rejects.toThrow(/holds files but no shard\.json/);
      expect(readdirSync(dir)).toEqual(["notes.txt"]);
    });
  });
});

describe("publishing a folder", () => {
  const dir = join(scratch, "publish");
  const folder = (name: string, text: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, "report.json"), text);
    return join(dir, name);
  };

  it("swaps the new folder in for the old one and deletes the old one", async () => {
    folder("r", "old");
    await publishDir(folder(".r.a.tmp", "new"), join(dir, "r"));
    expect(readFileSync(join(dir, "r", "report.json"), "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["r"]);
  });

  /** A name as siblingPath makes it. */
  const leftover = (name: string, kind: string) => basename(siblingPath(join(dir, name), kind));

  it("puts back the newest copy set aside by a publisher that died between its two renames, once", () => {
    const older = folder(leftover("s", "old"), "older");
    utimesSync(join(older, "report.json"), 1000, 1000);
    folder(leftover("s", "old"), "newest");
    expect(sweepPublished(dir, "report.json")).toEqual({ recovered: ["s"], interrupted: [] });
    expect(readFileSync(join(dir, "s", "report.json"), "utf8")).toBe("newest");
    // With the name in place, the other copy is garbage, and nothing more is restored.
    expect(readdirSync(dir).filter((name) => name.startsWith(".s."))).toEqual([]);
    folder(leftover("s", "old"), "late");
    expect(sweepPublished(dir, "report.json")).toEqual({ recovered: [], interrupted: [] });
    expect(readFileSync(join(dir, "s", "report.json"), "utf8")).toBe("newest");
    expect(readdirSync(dir).filter((name) => name.startsWith(".s."))).toEqual([]);
  });

  it("touches only names it makes: no incomplete copy, other hidden folder or link is restored or removed", () => {
    const mine = join(dir, "mine");
    mkdirSync(join(mine, leftover("t", "old")), { recursive: true }); // no marker: not a complete copy
    mkdirSync(join(mine, ".t.backup.old"));
    mkdirSync(join(mine, ".notes"));
    const outside = mkdtempSync(join(tmpdir(), "chisel-outside-"));
    writeFileSync(join(outside, "report.json"), "outside");
    symlinkSync(outside, join(mine, leftover("u", "old")));
    symlinkSync(outside, join(mine, leftover("u", "tmp")));
    const before = readdirSync(mine).sort();
    expect(sweepPublished(mine, "report.json")).toEqual({ recovered: [], interrupted: [] });
    expect(readdirSync(mine).sort()).toEqual(before);
    expect(readFileSync(join(outside, "report.json"), "utf8")).toBe("outside");
  });

  it("leaves a live publisher between its renames alone, and completes its publish once it is dead", async () => {
    const target = join(dir, "y");
    folder("y", "old");
    const built = await holdNewFolder(siblingPath(target, "tmp"));
    writeFileSync(join(built.path, "report.json"), "new");
    renameSync(target, asidePath(built.path, target)); // publishDir's first rename
    expect(sweepPublished(dir, "report.json")).toEqual({ recovered: [], interrupted: [] });
    expect(existsSync(target)).toBe(false);
    built.release(); // as the kernel does when its process dies
    expect(sweepPublished(dir, "report.json")).toEqual({ recovered: ["y"], interrupted: [] });
    expect(readFileSync(join(target, "report.json"), "utf8")).toBe("new");
    expect(readdirSync(dir).filter((name) => name.startsWith(".y."))).toEqual([]);
  });

  it("puts the old copy back when the dead publisher's new folder is not complete", () => {
    const target = join(dir, "z");
    folder("z", "old");
    const built = siblingPath(target, "tmp");
    mkdirSync(built);
    renameSync(target, asidePath(built, target));
    expect(sweepPublished(dir, "report.json")).toEqual({ recovered: ["z"], interrupted: [] });
    expect(readFileSync(join(target, "report.json"), "utf8")).toBe("old");
    expect(readdirSync(dir).filter((name) => name.startsWith(".z."))).toEqual([]);
  });

  it("removes a dead build's temporary folder, never one a live build holds", async () => {
    const live = await holdNewFolder(join(dir, leftover("v", "tmp")));
    const dead = folder(leftover("v", "tmp"), "dead");
    const deleting = folder(leftover("v", "del"), "half deleted");
    sweepPublished(dir, "report.json");
    expect(existsSync(live.path)).toBe(true);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(deleting)).toBe(false);
    live.release();
    sweepPublished(dir, "report.json");
    expect(existsSync(live.path)).toBe(false);
  });

  it("never disturbs a live publisher: sweeps at every turn of its swap leave it to finish", async () => {
    const target = join(dir, "w");
    const recovered: string[] = [];
    for (let trial = 0; trial < 30; trial++) {
      folder("w", `old ${trial}`);
      // Held, as a build holds its folder: sweeps remove only the unheld ones of dead builds.
      const built = await holdNewFolder(siblingPath(target, "tmp"));
      writeFileSync(join(built.path, "report.json"), `new ${trial}`);
      let sweeping = true;
      const sweeps = (async () => {
        // A sweep at every turn of the event loop, some of them between publishDir's two renames.
        while (sweeping) {
          recovered.push(...sweepPublished(dir, "report.json").recovered);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await publishDir(built.path, target);
      built.release();
      sweeping = false;
      await sweeps;
      expect(readFileSync(join(target, "report.json"), "utf8")).toBe(`new ${trial}`);
      expect(readdirSync(dir).filter((name) => name.startsWith(".w."))).toEqual([]);
      rmSync(target, { recursive: true });
    }
    expect(recovered).toEqual([]);
  });

  it("reports, without restoring, an interrupted publish that this process may not write", () => {
    const reportsDir = join(dir, "read-only");
    mkdirSync(join(reportsDir, leftover("x", "old")), { recursive: true });
    writeFileSync(join(reportsDir, readdirSync(reportsDir)[0], "report.json"), "set aside");
    // As the site's data loaders run: reading the project, writing nothing.
    const script = join(dir, "recover.ts");
    writeFileSync(script, `import { recoverReports } from ${JSON.stringify(join(root, "src/io/reports/read.ts"))};
      console.log(JSON.stringify(recoverReports(${JSON.stringify(reportsDir)})));`);
    const reads = [root, realpathSync(join(root, "node_modules")), dir].join(",");
    const flags = ["--no-prompt", `--config=${join(root, "deno.json")}`, "--node-modules-dir=manual", `--allow-read=${reads}`];
    const output = execFileSync(join(root, "node_modules/.bin/deno"), ["run", ...flags, script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ recovered: [], interrupted: ["x"] });
    expect(existsSync(join(reportsDir, "x"))).toBe(false);
    expect(recoverReports(reportsDir)).toEqual({ recovered: ["x"], interrupted: [] });
    expect(readFileSync(join(reportsDir, "x", "report.json"), "utf8")).toBe("set aside");
  });
});

describe("a report of DDPM beside flow matching", () => {
  it("samples each run with the samplers of its objective and records the objective and the paths' straightness", async () => {
    const reportsDir = join(scratch, "flow");
    const result = await buildReport(parseReportConfig(flowTiny()), { reportsDir, runsDir });
    const report = expectWholeReport(result.dir);
    expect(report.runs.map((run) => [run.label, run.objective])).toEqual([["objective = ddpm", "ddpm"], ["objective = flow-matching", "flow-matching"]]);
    const rows = (run: Report["runs"][number]) => run.quality.rows.map((r) => `${r.sampler} ${r.steps}`);
    expect(rows(report.runs[0])).toEqual(["dpm-solver++ 1", "dpm-solver++ 5"]);
    expect(rows(report.runs[1])).toEqual(["euler 1", "euler 5", "heun 1", "heun 5"]);
    expect(report.runs[1].samples.map((s) => s.file)).toEqual(["samples-euler-1.csv", "samples-euler-5.csv", "samples-heun-1.csv", "samples-heun-5.csv"]);
    for (const file of report.runs.flatMap((run) => run.samples)) {
      // One step is one straight segment; more steps can only lengthen a path between the same ends.
      if (file.steps === 1) expect(file.straightness).toBeCloseTo(1, 12);
      else expect(file.straightness).toBeGreaterThanOrEqual(1);
    }
    // The flow run's folder is a flow-matching run directory: sampled again from it, the first seed's paths
    // are as straight as report.json says (the float64 reference network, so to a few digits).
    const { manifest, params } = await loadCheckpoint(join(result.dir, "run-1"));
    expect(manifest.config.model.objective).toBe("flow-matching");
    const network = createReferenceDenoiser(params, { parameterization: "eps", dims: modelDims(manifest.config.model) });
    const drawn = await sample({ denoiser: { ...network, objective: "flow-matching" }, sampler: "euler", steps: 5, n: report.n, seed: 0, trajectory: true });
    const recorded = report.runs[1].samples.find((s) => s.file === "samples-euler-5.csv")!.straightness!;
    expect(straightness([...drawn.trajectory!.xt, drawn.samples])).toBeCloseTo(recorded, 4);
  });
});

describe("report configs", () => {
  const bad: [unknown, RegExp][] = [
    [{ ...tiny(), colour: "red" }, /^colour: unknown key \(allowed: name, title, description, train, sweep/],
    [tiny({ train: { training: { lr: "fast" } } as never }), /^train\.training\.lr: must be a number in \(0, 1\], got "fast"$/],
    [tiny({ train: { schedule: { T: 50, betaEnd: 1.5 } } }), /^train\.schedule\.betaEnd: must be a number in \(0, 1\), got 1\.5$/],
    [tiny({ n: 5 }), /^n: must be an integer from 10 to 20000, got 5$/],
    [tiny({ steps: [5, 1000] }), /^steps\[1\]: must be an integer from 1 to T = 50 of run 0 \(seed = 0\), got 1000$/],
    [tiny({ samplers: [{ sampler: "ddpm", eta: 0.5 }] }), /^samplers\[0\]\.eta: is DDIM's η: ddpm takes none, got 0\.5$/],
    [tiny({ samplers: [{ sampler: "rk4" }] as never }), /^samplers\[0\]\.sampler: must be one of ddpm, ddim, dpm-solver\+\+, euler, heun, got "rk4"$/],
    [tiny({ samplers: [{ sampler: "ddim" }, { sampler: "euler" }] }), /^samplers\[1\]: euler runs flow-matching models, and no run of this report trains flow-matching$/],
    [flowTiny({ samplers: [{ sampler: "ddim" }] }), /^samplers: run 1 \(objective = flow-matching\) trains flow-matching, which none of them runs: add one of euler, heun$/],
    [flowTiny({ samplers: [{ sampler: "ddim" }, { sampler: "heun", spacing: "logsnr" }] }), /^samplers\[1\]\.spacing: lays out a DDPM grid: heun steps evenly in t, got "logsnr"$/],
    [tiny({ shards: 3 }), /^shards: must be an integer from 1 to 2 \(one shard per run at most\), got 3$/],
    [tiny({ name: "../x" }), /^name: must be a slug .*, got "\.\.\/x"$/],
    [tiny({ name: "Default" }), /^name: must be a slug/],
    [tiny({ name: "index" }), /^name: must not be index/],
    [tiny({ sweep: { "schedule.betaEnd": [0.01, 2] } }), /^sweep\["schedule\.betaEnd"\]\[1\] = 2 makes train invalid: train\.schedule\.betaEnd: must be a number in \(0, 1\), got 2$/],
    [tiny({ sweep: { "schedule.betaEndd": [0.01] } }), /^sweep\["schedule\.betaEndd"\]\[0\] = 0\.01 makes train invalid: train\.schedule\.betaEndd: unknown key/],
    [tiny({ sweep: { "training.seed": [1, 1] } }), /^sweep\["training\.seed"\]\[1\]: repeats an earlier entry, got 1$/],
    [tiny({ sweep: { "training.seed": [0, 1, 2, 3, 4, 5], "training.lr": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] } }), /^sweep: makes 36 runs \(6 × 6\), at most 32$/],
  ];
  it.each(bad)("refuses %j with the JSON path", (json, message) => {
    expect(() => parseReportConfig(json)).toThrow(RangeError);
    expect(() => parseReportConfig(json)).toThrow(message);
  });

  it("expands a sweep into its cartesian product, the last key fastest, each run re-validated", () => {
    const config = parseReportConfig(tiny({ sweep: { "schedule.kind": ["linear", "cosine"], "training.seed": [0, 1, 2] } }));
    expect(config.runs.map((r) => r.label)).toEqual([
      "kind = linear, seed = 0",
      "kind = linear, seed = 1",
      "kind = linear, seed = 2",
      "kind = cosine, seed = 0",
      "kind = cosine, seed = 1",
      "kind = cosine, seed = 2",
    ]);
    expect(config.runs[4].train.schedule.kind).toBe("cosine");
    expect(config.runs[4].train.training).toMatchObject({ seed: 1, steps: 40, warmup: 2 });
  });

  it("never names a folder outside the reports folder", () => {
    const reportsDir = join(scratch, "anywhere");
    expect(reportDirFor("beta-sweep", reportsDir)).toBe(join(reportsDir, "beta-sweep"));
    for (const name of ["..", "../x", "a/b", ".hidden", "", "x".repeat(65), "index"]) {
      expect(() => reportDirFor(name, reportsDir)).toThrow(RangeError);
    }
  });
});

describe("chisel report", () => {
  it("builds a report from a config file and prints a JSON summary", () => {
    const file = join(scratch, "cli.json");
    writeFileSync(file, JSON.stringify(tiny({ name: "cli", sweep: undefined })));
    const reportsDir = join(scratch, "cli-reports");
    const result = chisel("report", "--config", file, "--reports-dir", reportsDir, "--runs-dir", runsDir, "--quiet");
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.reports).toHaveLength(1);
    // Its one run is the sweep's seed-0 run: taken from the run cache.
    expect(summary.reports[0]).toMatchObject({ name: "cli", published: true, dir: join(reportsDir, "cli"), runs: [{ id: "run-0", trained: false }] });
    expect(readReport(join(reportsDir, "cli")).provenance.command).toBe(`chisel report --config ${file}`);
  });

  const badUsage: [string[], RegExp][] = [
    [["report"], /give either --config FILE or --all/],
    [["report", "--config", "x.json", "--all"], /give either --config FILE or --all/],
    [["report", "--config", "reports/default.json", "--shard", "3/2"], /--shard must be i\/n with 1 ≤ i ≤ n ≤ 32, got "3\/2"/],
    [["report", "--config", "/nonexistent/r.json"], /--config \/nonexistent\/r\.json: no such file/],
    [["report", "--config", "reports/default.json", "--shard-out", "out"], /--shard-out goes with --shard i\/n and one --config/],
    [["report", "--all", "--shard", "1/2", "--shard-out", "out"], /--shard-out goes with --shard i\/n and one --config/],
    [["report", "--config", "reports/default.json", "--from", "in"], /--from goes with --assemble/],
    [["report", "--config", "reports/default.json", "--assemble", "--from", "/nonexistent"], /--from \/nonexistent: no such folder/],
    [["report", "--config", "reports/default.json", "--shard", "1/2", "--shard-out", "README.md"], /--shard-out README\.md: not a folder/],
  ];
  it.each(badUsage)("rejects %j with one line and exit code 2", (args, message) => {
    const result = chisel(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("stops on Ctrl-C with exit code 130, the published report and the run cache as they were", async () => {
    const reportsDir = join(scratch, "cli-reports");
    const before = snapshot(join(reportsDir, "cli"));
    const file = join(scratch, "long.json");
    writeFileSync(file, JSON.stringify(tiny({ name: "cli", sweep: undefined, train: { dataset: { n: 256 }, schedule: { T: 50 }, training: { steps: 200_000, batch: 64 } } })));
    const child = chiselProcess("report", "--config", file, "--reports-dir", reportsDir, "--runs-dir", runsDir);
    // Wait until the run trains (its unfinished folder is in the run cache), then interrupt.
    const started = Date.now();
    while (!readdirSync(runsDir).some((name) => name.endsWith(".partial")) && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const { code, stderr } = await child.output();
    expect(code).toBe(130);
    expect(new TextDecoder().decode(stderr)).toMatch(/interrupted; the published reports are unchanged/);
    expect(snapshot(join(reportsDir, "cli"))).toEqual(before);
    expect(leftovers(reportsDir)).toEqual([]);
  });

  it("names the JSON path of a bad config and writes nothing", () => {
    const file = join(scratch, "escape.json");
    writeFileSync(file, JSON.stringify(tiny({ name: "../../escape" })));
    const result = chisel("report", "--config", file, "--reports-dir", join(scratch, "never"), "--runs-dir", runsDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config .*escape\.json: name: must be a slug/);
    expect(existsSync(join(scratch, "never"))).toBe(false);
  });
});
