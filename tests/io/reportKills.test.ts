/**
 * `kill -9` of `chisel report` at random moments of a build (Deno start, training, sampling, writing,
 * publishing), and once exactly between the two renames that publish: the published report is the one
 * from before the kill, byte for byte, or the whole new one, and after the next chisel command (a report
 * of another config) it is there and no temporary of the killed build is left.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReportConfigInput } from "../../src/core/reports/config.js";
import type { Report } from "../../src/core/reports/report.js";
import { recoverReports } from "../../src/io/reports/read.js";
import { chisel, chiselProcess, root } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-kills-"));
const reportsDir = join(scratch, "reports");
const runsDir = join(scratch, "runs");
const target = join(reportsDir, "killed");
/** Random trials: each kills a build that trains a new run, at a random moment in its own quarter of a build. */
const TRIALS = 4;

/** A report of one tiny run (40 steps at batch 64, T = 50) trained with `seed`, written to a config file. */
function configFile(name: string, seed: number): string {
  const config: ReportConfigInput = {
    name,
    title: `Seed ${seed}`,
    train: { dataset: { n: 256 }, schedule: { T: 50 }, training: { steps: 40, batch: 64, seed } },
    samplers: [{ sampler: "ddim" }],
    steps: [5],
    seeds: [0],
    n: 64,
  };
  const file = join(scratch, `${name}-${seed}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const flags = ["--reports-dir", reportsDir, "--runs-dir", runsDir, "--quiet"];
/** The next command after a kill: a report of another config, whose run is in the cache. */
const other = configFile("other", 0);

/** Every file under a folder with its bytes, by relative path. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) files.set(relative(dir, path), readFileSync(path, "base64"));
  }
  return files;
}

const same = (a: Map<string, string>, b: Map<string, string>) => JSON.stringify([...a]) === JSON.stringify([...b]);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Whether the published report is whole and built from `seed`: every file report.json lists, with its size and hash. */
function isWholeOf(seed: number): boolean {
  const report = JSON.parse(readFileSync(join(target, "report.json"), "utf8")) as Report;
  if (report.runs[0].train.training.seed !== seed) return false;
  for (const run of report.runs) {
    for (const entry of [run.manifest, run.checkpoint, run.onnx]) {
      const bytes = readFileSync(join(target, run.id, entry.file));
      if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256) return false;
    }
    for (const sample of run.samples) if (!existsSync(join(target, run.id, sample.file))) return false;
  }
  return true;
}

/** What builds leave when they stop early: hidden folders beside reports and runs. */
const leftovers = () => [
  ...readdirSync(reportsDir).filter((name) => name.startsWith(".")),
  ...readdirSync(runsDir).filter((name) => name.startsWith(".") || name.includes("partial")),
];

/** The next chisel command, which recovers what the kill interrupted; the report is then back, and nothing left. */
function nextCommand(): void {
  const result = chisel("report", "--config", other, ...flags);
  expect(result.code, result.stderr).toBe(0);
  expect(leftovers()).toEqual([]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("kill -9 of chisel report", () => {
  let buildSeconds = 0;

  it("builds the report to kill rebuilds of, timing a rebuild", () => {
    expect(chisel("report", "--config", configFile("killed", 99), ...flags).code).toBe(0);
    const started = performance.now();
    const result = chisel("report", "--config", configFile("killed", 100), ...flags);
    buildSeconds = (performance.now() - started) / 1000;
    expect(result.code, result.stderr).toBe(0);
    expect(isWholeOf(100)).toBe(true);
  }, 60_000);

  for (let trial = 0; trial < TRIALS; trial++) {
    it(`leaves the report as it was or whole and new, at a random moment of quarter ${trial + 1} of a build`, async () => {
      const seed = 101 + trial;
      const before = snapshot(target);
      const beforeSeed = JSON.parse(readFileSync(join(target, "report.json"), "utf8")).runs[0].train.training.seed;
      const moment = Math.round(1000 * buildSeconds * (trial + Math.random()) / TRIALS);
      const child = chiselProcess("report", "--config", configFile("killed", seed), ...flags);
      const exited = await Promise.race([child.status.then(() => true), sleep(moment).then(() => false)]);
      if (!exited) child.kill("SIGKILL");
      const { code } = await child.output();
      // What the kill left shows where it struck: a run in training (.partial), a report being written (.tmp)…
      const left = leftovers().map((name) => name.replace(/\.[0-9a-f-]{36}\./, ".<uuid>."));
      const context = `killed ${exited ? "never (it finished first)" : `after ${moment} ms`}, exit ${code}, leaving [${left.join(", ")}]`;
      if (existsSync(target)) {
        expect(same(snapshot(target), before) || isWholeOf(seed), context).toBe(true);
      } else {
        // Killed between the two renames that publish: the old copy is aside.
        expect(readdirSync(reportsDir).some((name) => /^\.killed\..*\.old$/.test(name)), context).toBe(true);
      }
      nextCommand();
      const kept = same(snapshot(target), before);
      expect(kept || isWholeOf(seed), context).toBe(true);
      if (kept) expect(isWholeOf(beforeSeed), context).toBe(true);
      console.log(`trial ${trial + 1}: ${context}: ${kept ? "the report as it was" : "the new report, whole"}`);
    }, 60_000);
  }

  it("completes a publish killed between its two renames, which a sweep left alone while it lived", async () => {
    const before = snapshot(target);
    // A publisher of a new version, stopped by the test between publishDir's two renames.
    const script = join(scratch, "between.ts");
    writeFileSync(
      script,
      `import { cpSync, renameSync, writeFileSync } from "node:fs";
      import { join } from "node:path";
      import { asidePath, holdNewFolder, siblingPath } from ${JSON.stringify(join(root, "src/io/reports/publish.ts"))};
      const target = ${JSON.stringify(target)};
      const built = await holdNewFolder(siblingPath(target, "tmp"));
      cpSync(target, built.path, { recursive: true });
      const report = JSON.parse(Deno.readTextFileSync(join(built.path, "report.json")));
      writeFileSync(join(built.path, "report.json"), JSON.stringify({ ...report, title: "The new version" }));
      renameSync(target, asidePath(built.path, target));
      console.log("between");
      setInterval(() => {}, 1000); // alive until killed`,
    );
    const child = new Deno.Command(join(root, "node_modules/.bin/deno"), {
      args: ["run", "-A", `--config=${join(root, "deno.json")}`, script],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe("between\n");
    expect(existsSync(target)).toBe(false);
    // The publisher lives: a sweep leaves its swap to it.
    expect(recoverReports(reportsDir)).toEqual({ recovered: [], interrupted: [] });
    expect(existsSync(target)).toBe(false);
    child.kill("SIGKILL");
    reader.releaseLock();
    await child.status;
    await child.stdout.cancel();
    nextCommand();
    const after = snapshot(target);
    expect(JSON.parse(readFileSync(join(target, "report.json"), "utf8")).title).toBe("The new version");
    // Apart from report.json, the files of the version it copied, byte for byte.
    after.delete("report.json");
    before.delete("report.json");
    expect(after).toEqual(before);
  }, 60_000);
});
