/**
 * A sweep split over machines. Shard i of n builds runs i−1, i−1+n, … into a shard output: a folder that
 * carries everything assembly needs, the runs' folders (the checkpoint with its manifest, the ONNX export,
 * the samples) and shard.json (the report's name, its config hash, i/n, where it was built, the runs'
 * results and the size and SHA-256 of their sample files, which report.json does not record). Shard
 * outputs are built anywhere (CI matrix jobs, an indexed job, machines sharing nothing), gathered into
 * one folder by whatever moves files, and assembled there: assembly takes the n shards of one split of
 * this exact config, each once, checks every run's results against its plan (its training config, its
 * samples, the shape of its quality table), and copies every file the results name, checked against
 * its recorded size and hash. Shard outputs, their runs' folders and files are read as they are, never
 * through a link: a link could make the report publish what no shard built.
 *
 * Shards built from different git commits are refused: the shards' runs would be sampled and scored by
 * different code while the report claims one build. A commit is all provenance can see (provenance.ts:
 * uncommitted changes are not detected), so shards of one commit with different edits still assemble,
 * and a shard built outside a repository (no commit) assembles with any. The shards' provenance stays
 * in their shard.json; the report records its own, and how many shards built it.
 *
 * Machines that share data/reports may skip the moving: without an output folder, shard i of n is
 * written to data/reports/.shards/NAME/i-of-n/ and the last shard to finish assembles the report.
 */
import { lstat, mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { MAX_RUNS, type ReportConfig, type RunPlan, samplersForRun } from "../../core/reports/config.js";
import { type FileEntry, type Provenance, REPORT_FORMAT, type RunResult, type SampleFile, samplerId } from "../../core/reports/report.js";
import type { Metrics } from "../../core/metrics.js";
import { canonicalJson, sha256Hex } from "../../core/hash.js";
import { configHash, objectiveOf } from "../../core/training/config.js";
import { DEFAULT_TRAIN_BACKEND } from "../../engines/trainEngines.js";
import { reportHash } from "./document.js";
import { libraryVersions, readGitCommit } from "./provenance.js";
import { SHARD_FILE, SHARDS_DIR } from "./read.js";
import { readBoundedFile, readBoundedText, writeSynced } from "../files.js";

export interface Shard {
  /** 1 … count. */
  index: number;
  count: number;
}

export const SHARD_FORMAT = `${REPORT_FORMAT}-shard`;

/** Where a shard was built: what a report's provenance says of its build, less what only the report knows. */
export type ShardProvenance = Pick<Provenance, "git" | "date" | "versions" | "host">;

/** shard.json: which report and split the shard belongs to, where it was built, and the results of its runs. */
export interface ShardDocument {
  format: typeof SHARD_FORMAT;
  name: string;
  configHash: string;
  shard: Shard;
  provenance: ShardProvenance;
  runs: RunResult[];
  /** Each run's sample files with their size and SHA-256, by run id (kept here, so report.json stays as one build writes it). */
  samples: Record<string, FileEntry[]>;
}

/** A shard output found where shards were gathered. */
export interface FoundShard {
  dir: string;
  document: ShardDocument;
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

const shardText = (shard: Shard) => `${shard.index}/${shard.count}`;

/** The runs a shard builds: every count-th, starting at index − 1. */
export function shardRuns<T extends { index: number }>(runs: T[], shard?: Shard): T[] {
  return shard === undefined ? runs : runs.filter((run) => run.index % shard.count === shard.index - 1);
}

/** The shared folder of a report's shards. */
export function shardsDirFor(name: string, reportsDir: string): string {
  return join(reportsDir, SHARDS_DIR, name);
}

export function shardDirFor(name: string, shard: Shard, reportsDir: string): string {
  return join(shardsDirFor(name, reportsDir), `${shard.index}-of-${shard.count}`);
}

async function fileEntry(dir: string, file: string): Promise<FileEntry> {
  const bytes = await readBoundedFile(join(dir, file), "report");
  return { file, bytes: bytes.length, sha256: await sha256Hex(bytes) };
}

/** Writes the shard.json of a shard output under construction, whose runs' folders are already in `dir`. */
export async function writeShard(dir: string, config: ReportConfig, shard: Shard, runs: RunResult[]): Promise<void> {
  const git = await readGitCommit();
  const provenance: ShardProvenance = {
    ...(git === undefined ? {} : { git }),
    date: new Date().toISOString(),
    versions: await libraryVersions(),
    host: { os: Deno.build.os, arch: Deno.build.arch, cores: globalThis.navigator?.hardwareConcurrency ?? 1 },
  };
  const samples: Record<string, FileEntry[]> = {};
  for (const run of runs) samples[run.id] = await Promise.all(run.samples.map((sample) => fileEntry(join(dir, run.id), sample.file)));
  const document: ShardDocument = { format: SHARD_FORMAT, name: config.name, configHash: await reportHash(config), shard, provenance, runs, samples };
  await writeSynced(join(dir, SHARD_FILE), JSON.stringify(document) + "\n");
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const errorCode = (error: unknown) => (error as { code?: string }).code;
const firstLine = (error: unknown) => (error as Error).message.split("\n")[0];

/** A shard output's shard.json as JSON, read as a regular file; a problem is one RangeError line naming the file. */
async function readShardJson(dir: string): Promise<unknown> {
  const file = join(dir, SHARD_FILE);
  try {
    const info = await lstat(file);
    if (!info.isFile()) throw new RangeError(info.isSymbolicLink() ? "a link, not a file" : "not a regular file");
    // A shard holds up to every run of a report, so it is bounded like a report.json.
    return JSON.parse(await readBoundedText(file, "report"));
  } catch (error) {
    throw new RangeError(`${file}: ${errorCode(error) === "ENOENT" ? "no such file" : firstLine(error)}`);
  }
}

/** `json` as a ShardDocument after checking its shape (the runs' contents are checked against the config when assembled). */
function shardDocument(file: string, json: unknown): ShardDocument {
  const document = isObject(json) ? json : {};
  const { shard, provenance, samples } = document;
  const valid = document.format === SHARD_FORMAT && typeof document.name === "string" && typeof document.configHash === "string" &&
    Array.isArray(document.runs) && document.runs.every(isObject) && isObject(shard) &&
    Number.isInteger(shard.count) && Number.isInteger(shard.index) && 1 <= (shard.index as number) &&
    shard.index as number <= (shard.count as number) && (shard.count as number) <= MAX_RUNS &&
    isObject(provenance) && (provenance.git === undefined || (isObject(provenance.git) && typeof provenance.git.commit === "string")) &&
    isObject(samples) && Object.values(samples).every((entries) => Array.isArray(entries) && entries.every(isObject));
  if (!valid) throw new RangeError(`${file}: not a ${SHARD_FORMAT} record (format, name, configHash, shard i/n, provenance, runs, samples)`);
  return document as unknown as ShardDocument;
}

/** A shard output's shard.json, read and checked for its shape. */
async function readShard(dir: string): Promise<ShardDocument> {
  return shardDocument(join(dir, SHARD_FILE), await readShardJson(dir));
}

/**
 * Refuses, before any work, a shard output folder that holds something else: it is replaced whole when
 * the shard is published, so it must be missing, empty, or an earlier shard output.
 */
export async function checkShardOut(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error): string[] => {
    if (errorCode(error) === "ENOENT") return [];
    throw new RangeError(`${dir}: ${errorCode(error) === "ENOTDIR" ? "not a folder" : firstLine(error)}`);
  });
  if (entries.length > 0 && !entries.includes(SHARD_FILE)) {
    throw new RangeError(`${dir}: holds files but no ${SHARD_FILE}; a shard output replaces its folder, so give a new or empty one`);
  }
}

/** Shard numbers of `count` not yet in the shared folder for this exact config (a shard of another config counts as missing). */
export async function missingShards(config: ReportConfig, count: number, reportsDir: string): Promise<number[]> {
  const hash = await reportHash(config);
  const missing: number[] = [];
  for (let index = 1; index <= count; index++) {
    const shard = await readShard(shardDirFor(config.name, { index, count }, reportsDir)).catch(() => undefined);
    if (shard?.configHash !== hash) missing.push(index);
  }
  return missing;
}

/**
 * `from` itself when it is a shard output, else its subfolders that hold a shard.json, by name. `from`
 * is named by the user and may be a link; a link to a folder among its entries is refused rather than
 * skipped (its shard would be reported missing although it is there) or followed.
 */
async function shardOutputsIn(from: string): Promise<string[]> {
  const has = (dir: string) => lstat(join(dir, SHARD_FILE)).then(() => true, () => false);
  if (await has(from)) return [from];
  const entries = await readdir(from, { withFileTypes: true }).catch((error) => {
    if (errorCode(error) === "ENOENT") return [];
    throw new RangeError(`${from}: ${firstLine(error)}`);
  });
  for (const entry of entries.filter((entry) => entry.isSymbolicLink())) {
    const path = join(from, entry.name);
    if ((await stat(path).catch(() => undefined))?.isDirectory()) {
      throw new RangeError(`${path} is a link, not a folder: gather shard outputs as folders (copy them, do not link them)`);
    }
  }
  const dirs = entries.filter((entry) => entry.isDirectory()).map((entry) => join(from, entry.name)).sort();
  const found: string[] = [];
  for (const dir of dirs) if (await has(dir)) found.push(dir);
  return found;
}

/**
 * The shards of `config`'s report among the shard outputs gathered in `from` (one shard output, or a
 * folder of them; those of other reports are left alone, even unreadable ones whose name can be read),
 * in shard order. Refuses, one line each: none of this report, a shard.json that names no report, a
 * shard built from another config, shards of different splits, a shard given twice, a split with
 * shards missing, and shards built from different git commits.
 */
export async function gatherShards(config: ReportConfig, from: string): Promise<FoundShard[]> {
  const hash = await reportHash(config);
  const mine: FoundShard[] = [];
  const others = new Set<string>();
  for (const dir of await shardOutputsIn(from)) {
    const json = await readShardJson(dir);
    const name = isObject(json) && typeof json.name === "string" ? json.name : undefined;
    if (name !== undefined && name !== config.name) others.add(name);
    else mine.push({ dir, document: shardDocument(join(dir, SHARD_FILE), json) });
  }
  if (mine.length === 0) {
    throw new RangeError(
      `${config.name}: no shard outputs of this report in ${from}` +
        (others.size > 0 ? ` (only of ${[...others].join(", ")})` : " (build them with --shard i/n first)"),
    );
  }
  for (const { dir, document } of mine) {
    if (document.configHash !== hash) {
      throw new RangeError(
        `${config.name}: ${dir} is shard ${shardText(document.shard)} of another config (hash ${document.configHash.slice(0, 12)}…, this config's is ${hash.slice(0, 12)}…): rebuild it`,
      );
    }
  }
  const [first] = mine;
  const other = mine.find(({ document }) => document.shard.count !== first.document.shard.count);
  if (other !== undefined) {
    throw new RangeError(
      `${config.name}: shards of different splits: ${first.dir} is shard ${shardText(first.document.shard)}, ${other.dir} is shard ${shardText(other.document.shard)}`,
    );
  }
  const count = first.document.shard.count;
  const byIndex = new Map<number, FoundShard>();
  for (const found of mine) {
    const twin = byIndex.get(found.document.shard.index);
    if (twin !== undefined) throw new RangeError(`${config.name}: ${twin.dir} and ${found.dir} are both shard ${shardText(found.document.shard)}`);
    byIndex.set(found.document.shard.index, found);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw new RangeError(
      `${config.name}: shard${missing.length > 1 ? "s" : ""} ${missing.map((index) => `${index}/${count}`).join(", ")} missing from ${from} (found ${[...byIndex.keys()].sort((a, b) => a - b).map((index) => `${index}/${count}`).join(", ")})`,
    );
  }
  const shards = [...byIndex.values()].sort((a, b) => a.document.shard.index - b.document.shard.index);
  const committed = shards.filter(({ document }) => document.provenance.git !== undefined);
  const stray = committed.find(({ document }) => document.provenance.git!.commit !== committed[0].document.provenance.git!.commit);
  if (stray !== undefined) {
    const described = ({ dir, document }: FoundShard) => `${dir} (shard ${shardText(document.shard)}) from commit ${document.provenance.git!.commit}`;
    throw new RangeError(`${config.name}: shards built from different commits: ${described(committed[0])}, ${described(stray)}: rebuild them from one commit`);
  }
  return shards;
}

/** A file name a run folder may hold: no path, no leading dot. */
const PLAIN_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * One file of a shard's run (a plain name: checkRun), read as a regular file in the run's folder (never
 * through a link), and checked against its recorded size and hash.
 */
async function shardFile(runDir: string, file: string, entry: FileEntry): Promise<Uint8Array> {
  const path = join(runDir, file);
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile()) throw new RangeError(`${path}: ${info === undefined ? "missing" : "not a regular file"}`);
  const bytes = await readBoundedFile(path, "report");
  if (bytes.length !== entry.bytes || (await sha256Hex(bytes)) !== entry.sha256) {
    throw new RangeError(`${path}: its size or SHA-256 differs from the shard's record (damaged in transfer?)`);
  }
  return bytes;
}

const METRICS = ["swd", "mmd", "precision", "coverage"] as const satisfies readonly (keyof Metrics)[];
const isMetrics = (value: unknown) => isObject(value) && METRICS.every((key) => isNumber(value[key]));
const isSummaries = (value: unknown) =>
  isObject(value) && METRICS.every((key) => isObject(value[key]) && isNumber(value[key].mean) && isNumber(value[key].sd));

/** What is wrong with a run's quality table, whose rows must be `expected` (sampler × step count) in order, or undefined. */
function qualityProblem(quality: unknown, config: ReportConfig, expected: { sampler: unknown; eta?: unknown; spacing?: unknown; steps: number }[]): string | undefined {
  if (!isObject(quality)) return "is not a table";
  if (quality.n !== config.n) return `has n = ${JSON.stringify(quality.n)}, this config's is ${config.n}`;
  if (canonicalJson(quality.seeds) !== canonicalJson(config.seeds)) return `has seeds ${JSON.stringify(quality.seeds)}, this config's are ${JSON.stringify(config.seeds)}`;
  if (!isObject(quality.dataset) || !isSummaries(quality.floor)) return "lacks its dataset or floor";
  const rows = Array.isArray(quality.rows) ? quality.rows : [];
  const key = (row: Record<string, unknown>) => canonicalJson({ sampler: row.sampler, eta: row.eta, spacing: row.spacing, steps: row.steps });
  if (rows.length !== expected.length || !rows.every((row, i) => isObject(row) && key(row) === key(expected[i]))) {
    return `does not have one row per sampler × step count of this config (${expected.length} rows)`;
  }
  const bad = rows.findIndex((row) => !isSummaries(row.metrics) || !Array.isArray(row.perSeed) || row.perSeed.length !== config.seeds.length || !row.perSeed.every(isMetrics));
  return bad < 0 ? undefined : `row ${bad} lacks its metrics for each seed`;
}

/**
 * Checks a shard's result of one run against the run's plan, one RangeError line naming shard.json:
 * that it is the plan's run, trained from the plan's training config (its configHash, which the record's
 * `train` must still hash to: a training config that differs in what decides the weights was edited or
 * is another run's; fields the hash leaves out may legitimately differ from the plan's, as the run cache
 * reuses a run whatever its checkpoint steps, so the whole of `train` is checked against the run's own
 * manifest file instead: checkManifest), sampled with exactly the samplers × step counts this config gives the
 * run, and scored in a quality table of that shape.
 */
async function checkRun(shardDir: string, config: ReportConfig, plan: RunPlan, run: RunResult): Promise<void> {
  const fail = (problem: string) => new RangeError(`${join(shardDir, SHARD_FILE)}: ${plan.id} ${problem}`);
  if (run.index !== plan.index || run.label !== plan.label || canonicalJson(run.values) !== canonicalJson(plan.values)) {
    throw fail(`is not run ${plan.index} of this config (its index, label or swept values differ)`);
  }
  if (![run.manifest, run.checkpoint, run.onnx].every(isObject) || !Array.isArray(run.samples) || !run.samples.every(isObject)) {
    throw fail("lacks its manifest, checkpoint, ONNX or samples entries");
  }
  for (const file of [run.manifest.file, run.checkpoint.file, run.onnx.file, ...run.samples.map((sample) => sample.file)] as unknown[]) {
    if (typeof file !== "string" || !PLAIN_FILE.test(file)) {
      throw new RangeError(`${join(shardDir, plan.id)}: names the file ${JSON.stringify(file)}, not a plain file name`);
    }
  }
  const planHash = await configHash({ ...plan.train, backend: plan.train.backend ?? DEFAULT_TRAIN_BACKEND });
  let trainHash: string | undefined;
  try {
    trainHash = isObject(run.train) ? await configHash(run.train) : undefined;
  } catch {
    trainHash = undefined;
  }
  if (trainHash === undefined || trainHash !== run.configHash) {
    throw fail(`has a training config that does not hash to its configHash ${String(run.configHash).slice(0, 12)}…: it was edited`);
  }
  if (run.configHash !== planHash) {
    throw fail(`was trained from another training config (hash ${run.configHash.slice(0, 12)}…, this config's is ${planHash.slice(0, 12)}…)`);
  }
  const objective = objectiveOf(plan.train.model);
  if (run.objective !== undefined && run.objective !== objective) throw fail(`has objective ${JSON.stringify(run.objective)}, its config trains ${objective}`);
  const runs = samplersForRun(config.samplers, objective).flatMap((spec) => config.steps.map((steps) => ({ ...spec, steps })));
  const expected: SampleFile[] = runs.map(({ steps, ...spec }) => ({
    sampler: spec,
    samplerId: samplerId(spec),
    steps,
    seed: config.seeds[0],
    file: `samples-${samplerId(spec)}-${steps}.csv`,
  }));
  const sampleKey = ({ sampler, samplerId, steps, seed, file }: SampleFile) => canonicalJson({ sampler, samplerId, steps, seed, file });
  const samplesMatch = run.samples.length === expected.length &&
    run.samples.every((sample, i) => sampleKey(sample) === sampleKey(expected[i]) && (sample.straightness === undefined || isNumber(sample.straightness)));
  if (!samplesMatch) {
    throw fail(`holds samples ${run.samples.map((sample) => sample.file).join(", ") || "none"}, but this config samples it as ${expected.map((sample) => sample.file).join(", ")}`);
  }
  const quality = qualityProblem(run.quality, config, runs);
  if (quality !== undefined) throw fail(`has a quality table that ${quality}`);
  const checks: [string, boolean][] = [
    ["engine", typeof run.engine === "string"],
    ["versions", isObject(run.versions) && Object.values(run.versions).every((version) => typeof version === "string")],
    ["created", typeof run.created === "string"],
    ["trained", typeof run.trained === "boolean"],
    ["checkpoint step and loss", isNumber(run.checkpoint.step) && isNumber(run.checkpoint.loss)],
    ["lossHistory", isObject(run.lossHistory) && Array.isArray(run.lossHistory.steps) && Array.isArray(run.lossHistory.loss) &&
      run.lossHistory.steps.length === run.lossHistory.loss.length && [...run.lossHistory.steps, ...run.lossHistory.loss].every(isNumber)],
    ["seconds", isObject(run.seconds) && isNumber(run.seconds.train) && isNumber(run.seconds.evaluate)],
  ];
  const missing = checks.find(([, ok]) => !ok);
  if (missing !== undefined) throw fail(`has no valid ${missing[0]}`);
}

/** The manifest a run's folder holds must record the run's training config and hash, as a build copies them from it. */
function checkManifest(path: string, bytes: Uint8Array, run: RunResult): void {
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new RangeError(`${path}: ${firstLine(error)}`);
  }
  if (!isObject(manifest) || manifest.configHash !== run.configHash || canonicalJson(manifest.config) !== canonicalJson(run.train)) {
    throw new RangeError(`${path}: its training config differs from the one the shard's record gives ${run.id}`);
  }
}

/**
 * Copies the runs of gathered `shards` into the report folder `dir`, after checking every run's results
 * against its plan and each file against the shard's record; returns their results in the config's run
 * order. Each shard must hold exactly the runs its i/n takes of this config, each in a folder of its own.
 */
export async function copyShardRuns(config: ReportConfig, shards: FoundShard[], dir: string): Promise<RunResult[]> {
  const plans = new Map(config.runs.map((plan) => [plan.id, plan]));
  for (const { dir: shardDir, document } of shards) {
    const expected = shardRuns(config.runs, document.shard).map((run) => run.id);
    const held = document.runs.map((run) => run.id);
    if (held.join(",") !== expected.join(",")) {
      throw new RangeError(`${shardDir}: holds runs ${held.join(", ") || "none"}, but shard ${shardText(document.shard)} of this config is ${expected.join(", ")}`);
    }
    for (const run of document.runs) await checkRun(shardDir, config, plans.get(run.id)!, run);
  }
  const byId = new Map<string, RunResult>();
  for (const { dir: shardDir, document } of shards) {
    for (const run of document.runs) {
      const from = join(shardDir, run.id);
      const info = await lstat(from).catch(() => undefined);
      if (!info?.isDirectory()) throw new RangeError(`${from}${info === undefined ? ": missing" : info.isSymbolicLink() ? " is a link, not a folder" : ": not a folder"}`);
      const recorded = document.samples[run.id] ?? [];
      const files: [string, FileEntry][] = [[run.manifest.file, run.manifest], [run.checkpoint.file, run.checkpoint], [run.onnx.file, run.onnx]];
      for (const sample of run.samples) {
        const entry = recorded.find((entry) => entry.file === sample.file);
        if (entry === undefined) throw new RangeError(`${join(shardDir, SHARD_FILE)}: records no size and SHA-256 of ${run.id}'s ${sample.file}`);
        files.push([sample.file, entry]);
      }
      const to = join(dir, run.id);
      await mkdir(to, { recursive: true });
      for (const [file, entry] of files) {
        const bytes = await shardFile(from, file, entry);
        if (entry === run.manifest) checkManifest(join(from, file), bytes, run);
        await writeSynced(join(to, file), bytes);
      }
      byId.set(run.id, run);
    }
  }
  return config.runs.map((plan) => byId.get(plan.id)!);
}
