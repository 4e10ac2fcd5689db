/**
 * Reports: a report config (src/core/reports/config.ts) built into data/reports/NAME/, the folder the
 * site's /reports/NAME page is made from.
 *
 *   data/reports/NAME/report.json        config, provenance, every run's loss curve and quality table
 *   data/reports/NAME/config.json        the report config as given (the CLI rebuilds from it)
 *   data/reports/NAME/run-K/             one folder per run of the sweep, itself a run directory:
 *     manifest.json, step-NNNNNN.f32     the last checkpoint and a manifest listing only it
 *     model.onnx                         its ONNX export
 *     samples-SAMPLER-STEPS.csv          the first seed's samples
 *
 * Runs come from the run cache (runCache.ts: trained once per training config), two at a time in
 * workers (pool.ts). The report is written into a temporary folder and published by an atomic swap
 * (publish.ts): a failed or interrupted build leaves the published report as it was, and every build
 * first restores reports whose publish was interrupted and removes dead builds' leftovers
 * (recoverReports). A sweep can be split over machines (shards.ts): each shard is built into a
 * self-contained shard output, and the report is assembled from the outputs gathered in one folder (or,
 * where machines share data/reports, by the last shard to finish).
 */
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { ReportConfig } from "../../core/reports/config.js";
import type { Headline, Provenance, RunResult } from "../../core/reports/report.js";
import { writeReport } from "./document.js";
import { buildRuns, lanesFor, type RunPoolOptions } from "./pool.js";
import { reportProvenance } from "./provenance.js";
import { holdNewFolder, publishDir, siblingPath, sweepPublished } from "./publish.js";
import { recoverReports, reportDirFor, REPORTS_DIR, SHARD_FILE } from "./read.js";
import { checkShardOut, copyShardRuns, gatherShards, missingShards, type Shard, shardDirFor, shardRuns, shardsDirFor, writeShard } from "./shards.js";

export interface BuildReportOptions extends RunPoolOptions {
  /** Where reports are published (default data/reports/). */
  reportsDir?: string;
  /** Build only this share of the sweep's runs, into the shards folder (or `shardOut`). */
  shard?: Shard;
  /**
   * With `shard`: the folder to write the shard output to (replaced whole), to be moved to the machine
   * that assembles; nothing is assembled here. Without it, the shard goes to the shared shards folder.
   */
  shardOut?: string;
  /** For assembleReport: the shard outputs gathered from anywhere, one or a folder of them (default: the shared shards folder). */
  from?: string;
}

export interface BuildReportResult {
  name: string;
  /** The published report, or the shard output when only a shard was built and not yet assembled. */
  dir: string;
  published: boolean;
  shard?: Shard;
  runs: { id: string; label: string; trained: boolean; seconds: { train: number; evaluate: number } }[];
  headline?: Headline;
  seconds: number;
}

function runSummaries(runs: RunResult[]): BuildReportResult["runs"] {
  return runs.map(({ id, label, trained, seconds }) => ({ id, label, trained, seconds }));
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}

/**
 * Runs `body` with the temporary folder `dir` made and held (so no sweep removes it while this process
 * lives); removes the folder if `body` fails, then rethrows.
 */
async function inTemporary<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const held = await holdNewFolder(dir);
  try {
    return await body();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    held.release();
  }
}

/** Writes the report of `runs` into the temporary folder `built` and publishes it as `target`. */
async function publishReport(
  built: string,
  target: string,
  config: ReportConfig,
  runs: RunResult[],
  provenance: Provenance,
  started: number,
): Promise<BuildReportResult> {
  const report = await writeReport(built, config, runs, provenance);
  await publishDir(built, target);
  return { name: config.name, dir: target, published: true, runs: runSummaries(runs), headline: report.headline, seconds: elapsed(started) };
}

/**
 * Trains (or takes from the cache), samples and evaluates every run of the report, and publishes it to
 * `reportsDir/NAME/` atomically; with `shard`, builds that share into a shard output instead (`shardOut`,
 * or the shared shards folder, where the report is assembled when every shard is there).
 */
export async function buildReport(config: ReportConfig, options: BuildReportOptions = {}): Promise<BuildReportResult> {
  const started = performance.now();
  const reportsDir = options.reportsDir ?? REPORTS_DIR;
  const target = reportDirFor(config.name, reportsDir);
  if (options.shardOut !== undefined && options.shard === undefined) throw new RangeError("a shard output needs a shard i/n to build");
  if (options.shardOut !== undefined) await checkShardOut(options.shardOut);
  else {
    await mkdir(reportsDir, { recursive: true });
    recoverReports(reportsDir);
  }

  if (options.shard !== undefined) {
    const shard = options.shard;
    const shardDir = options.shardOut ?? shardDirFor(config.name, shard, reportsDir);
    await mkdir(dirname(shardDir), { recursive: true });
    // Leftovers of a killed build of this shard output, beside it.
    if (options.shardOut !== undefined) sweepPublished(dirname(shardDir), SHARD_FILE);
    const temporary = siblingPath(shardDir, "tmp");
    const runs = await inTemporary(temporary, async () => {
      const built = await buildRuns(config, shardRuns(config.runs, shard), temporary, options);
      await writeShard(temporary, config, shard, built);
      await publishDir(temporary, shardDir);
      return built;
    });
    const shardResult = { name: config.name, shard, runs: runSummaries(runs) };
    if (options.shardOut !== undefined || (await missingShards(config, shard.count, reportsDir)).length > 0) {
      return { ...shardResult, dir: shardDir, published: false, seconds: elapsed(started) };
    }
    const assembled = await assembleReport(config, options);
    return { ...assembled, ...shardResult, seconds: elapsed(started) };
  }

  const temporary = siblingPath(target, "tmp");
  return inTemporary(temporary, async () => {
    const runs = await buildRuns(config, config.runs, temporary, options);
    const lanes = lanesFor(config.runs.length, options.parallel);
    const provenance = await reportProvenance({ command: options.command, lanes, seconds: elapsed(started) });
    return publishReport(temporary, target, config, runs, provenance, started);
  });
}

/**
 * Publishes a report from its shard outputs: those gathered in `options.from` (left as they are), or the
 * shared shards folder (data/reports/.shards/NAME/, removed once published). They must be all n shards of
 * one split, built from this same config (shards.ts: gatherShards).
 */
export async function assembleReport(config: ReportConfig, options: BuildReportOptions = {}): Promise<BuildReportResult> {
  const started = performance.now();
  const reportsDir = options.reportsDir ?? REPORTS_DIR;
  const target = reportDirFor(config.name, reportsDir);
  recoverReports(reportsDir);
  const shared = shardsDirFor(config.name, reportsDir);
  const shards = await gatherShards(config, options.from ?? shared);
  await mkdir(reportsDir, { recursive: true });
  const temporary = siblingPath(target, "tmp");
  return inTemporary(temporary, async () => {
    const runs = await copyShardRuns(config, shards, temporary);
    const lanes = lanesFor(config.runs.length, options.parallel);
    const provenance = {
      ...(await reportProvenance({ command: options.command, lanes, seconds: elapsed(started) })),
      shards: shards.length,
      builds: shards.map(({ document }) => ({ shard: document.shard, ...document.provenance })),
    };
    const result = await publishReport(temporary, target, config, runs, provenance, started);
    if (options.from === undefined) await rm(shared, { recursive: true, force: true });
    return result;
  });
}
