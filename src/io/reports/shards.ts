/**
 * A sweep split over machines: shard i of n builds runs i−1, i−1+n, … into
 * data/reports/.shards/NAME/i-of-n/ (the runs' folders and a shard.json of their results), and the
 * report is assembled from all n once they are there, each built from the same config.
 */
import { cp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { MAX_RUNS, type ReportConfig } from "../../core/reports/config.js";
import { REPORT_FORMAT, type RunResult } from "../../core/reports/report.js";
import { reportHash } from "./document.js";
import { SHARD_FILE, SHARDS_DIR } from "./read.js";
import { readBoundedText, writeSynced } from "../files.js";

export interface Shard {
  /** 1 … count. */
  index: number;
  count: number;
}

interface ShardDocument {
  format: string;
  configHash: string;
  shard: Shard;
  runs: RunResult[];
}

/** "2/3" → {index: 2, count: 3}. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_RUNS || index < 1 || index > count) {
    throw new RangeError(`shard must be i/n with 1 ≤ i ≤ n ≤ ${MAX_RUNS}, got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** The runs a shard builds: every count-th, starting at index − 1. */
export function shardRuns<T extends { index: number }>(runs: T[], shard?: Shard): T[] {
  return shard === undefined ? runs : runs.filter((run) => run.index % shard.count === shard.index - 1);
}

/** The folder of a report's shards. */
export function shardsDirFor(name: string, reportsDir: string): string {
  return join(reportsDir, SHARDS_DIR, name);
}

export function shardDirFor(name: string, shard: Shard, reportsDir: string): string {
  return join(shardsDirFor(name, reportsDir), `${shard.index}-of-${shard.count}`);
}

/** Writes the shard.json of a shard folder under construction. */
export async function writeShard(dir: string, config: ReportConfig, shard: Shard, runs: RunResult[]): Promise<void> {
  const document = { format: `${REPORT_FORMAT}-shard`, configHash: await reportHash(config), shard, runs };
  await writeSynced(join(dir, SHARD_FILE), JSON.stringify(document) + "\n");
}

async function readShard(dir: string): Promise<ShardDocument | undefined> {
  try {
    // A shard holds up to every run of a report, so it is bounded like a report.json.
    return JSON.parse(await readBoundedText(join(dir, SHARD_FILE), "report"));
  } catch {
    return undefined;
  }
}

/** Shard numbers of `count` not yet built for this exact config (a shard of another config counts as missing). */
export async function missingShards(config: ReportConfig, count: number, reportsDir: string): Promise<number[]> {
  const hash = await reportHash(config);
  const missing: number[] = [];
  for (let index = 1; index <= count; index++) {
    const shard = await readShard(shardDirFor(config.name, { index, count }, reportsDir));
    if (shard?.configHash !== hash) missing.push(index);
  }
  return missing;
}

/** The n of the report's shards, refusing none, a mix of splits, or any shard missing or of another config. */
export async function completeSplit(config: ReportConfig, reportsDir: string): Promise<number> {
  const shardsDir = shardsDirFor(config.name, reportsDir);
  const counts = new Set<number>();
  for (const name of await readdir(shardsDir).catch(() => [] as string[])) {
    const match = /^\d+-of-(\d+)$/.exec(name);
    if (match) counts.add(Number(match[1]));
  }
  if (counts.size !== 1) {
    throw new RangeError(
      counts.size === 0
        ? `${config.name}: no shards in ${shardsDir} to assemble (build them with shard i/n first)`
        : `${config.name}: shards of different splits in ${shardsDir} (${[...counts].map((n) => `of ${n}`).join(", ")}): remove the stale ones`,
    );
  }
  const [count] = counts;
  const missing = await missingShards(config, count, reportsDir);
  if (missing.length > 0) {
    throw new RangeError(`${config.name}: shards ${missing.map((i) => `${i}/${count}`).join(", ")} are missing or were built from another config`);
  }
  return count;
}

/** Copies the run folders of all `count` shards into `dir`; returns their results in run order, checked against the config. */
export async function copyShardRuns(config: ReportConfig, count: number, reportsDir: string, dir: string): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  for (let index = 1; index <= count; index++) {
    const shardDir = shardDirFor(config.name, { index, count }, reportsDir);
    const shard = (await readShard(shardDir))!;
    for (const run of shard.runs) {
      await cp(join(shardDir, run.id), join(dir, run.id), { recursive: true });
      runs.push(run);
    }
  }
  runs.sort((a, b) => a.index - b.index);
  const expected = config.runs.map((run) => run.id).join(",");
  if (runs.map((run) => run.id).join(",") !== expected) {
    throw new RangeError(`${config.name}: the shards hold runs ${runs.map((r) => r.id).join(", ")}, expected ${expected}`);
  }
  return runs;
}
