/**
 * publish.yml's matrix played on this machine, with nothing shared but what the workflow moves: separate
 * scratch copies of the project (its code and package.json, node_modules linked; no data/, no .git) each
 * run one job. One plans the shards, one builds the sweep whole, two build a shard each, and the
 * assembler gets only the shard outputs, moved into one folder as download-artifact lays them out. The
 * assembled report must equal the whole build in every field the build decides, file hashes included.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { root } from "../support/cli.js";
import { deterministicReport } from "../support/reportFields.js";

const deno = join(root, "node_modules/.bin/deno");
/** The Deno arguments of `npm run chisel` (package.json's script less "deno"), run in a copy's own folder. */
const chiselArgs: string[] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.chisel.split(/\s+/).slice(1);

/** A sweep of three runs, a few training steps each: split 2 ways, shard 1 builds run-0 and run-2. */
const CONFIG = {
  name: "matrix",
  title: "Three seeds, split over two jobs",
  train: { dataset: { n: 256 }, schedule: { T: 50 }, training: { steps: 30, batch: 64 } },
  sweep: { "training.seed": [0, 1, 2] },
  samplers: [{ sampler: "ddim" }, { sampler: "ddpm" }],
  steps: [5, 20],
  seeds: [0, 1],
  n: 64,
};

/** A fresh copy of what the CLI needs, holding the sweep's config as reports/matrix.json. */
function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "chisel-job-"));
  for (const path of ["scripts", "src", "package.json", "deno.json"]) {
    cpSync(join(root, path), join(dir, path), { recursive: true, filter: (source) => !source.includes(".observablehq") });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  mkdirSync(join(dir, "reports"));
  writeFileSync(join(dir, "reports", "matrix.json"), JSON.stringify(CONFIG, null, 2));
  return dir;
}

/** Runs a Deno command in a copy, as a job's step would; fails the test with its stderr if it fails. */
function step(cwd: string, ...args: string[]): string {
  const result = spawnSync(deno, args, { cwd, encoding: "utf8" });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}
const chisel = (cwd: string, ...args: string[]) => JSON.parse(step(cwd, ...chiselArgs, ...args));

it("assembles from moved shard outputs the report one machine builds", () => {
  const planner = scratchProject();
  const plan = JSON.parse(step(planner, "run", "--allow-read", "scripts/publish-plan.ts", "--config", "reports/matrix.json", "--shards", "2"));
  expect(plan.matrix.include.map((job: { shard: string }) => job.shard)).toEqual(["1/2", "2/2"]);

  const whole = scratchProject();
  chisel(whole, "report", "--config", "reports/matrix.json", "--quiet");

  const assembler = scratchProject();
  const gathered = join(assembler, "shards");
  for (const job of plan.matrix.include) {
    const copy = scratchProject();
    const summary = chisel(copy, "report", "--config", job.config, "--shard", job.shard, "--shard-out", "shard-out", "--quiet");
    expect(summary.reports[0]).toMatchObject({ published: false, shard: { index: job.index, count: job.count } });
    // What upload-artifact and download-artifact do: the folder, and nothing else, to shards/<artifact name>/.
    cpSync(join(copy, "shard-out"), join(gathered, `shard-${job.name}-${job.index}-of-${job.count}`), { recursive: true });
    rmSync(copy, { recursive: true });
  }
  const assembled = chisel(assembler, "report", "--config", "reports/matrix.json", "--assemble", "--from", "shards", "--quiet");
  expect(assembled.reports[0]).toMatchObject({ name: "matrix", published: true, dir: join(assembler, "data", "reports", "matrix") });
  // The assembler trained nothing: it has no run cache at all.
  expect(existsSync(join(assembler, "data", "runs"))).toBe(false);
  expect(readdirSync(join(assembler, "data", "reports", "matrix")).sort()).toEqual(["config.json", "report.json", "run-0", "run-1", "run-2"]);

  const fromShards = deterministicReport(join(assembler, "data", "reports", "matrix"));
  const oneBuild = deterministicReport(join(whole, "data", "reports", "matrix"));
  expect(fromShards).toEqual(oneBuild);
  expect(Object.keys(oneBuild.files)).toHaveLength(3 * (2 + 4)); // per run: checkpoint, ONNX, four sample files
  for (const dir of [planner, whole, assembler]) rmSync(dir, { recursive: true });
}, 240_000);
