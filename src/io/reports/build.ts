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
 * workers. The report is written into a temporary folder and published by an atomic swap
 * (reportPublish.ts): a failed or interrupted build leaves the published report as it was.
 *
 * A sweep can be split over machines: `shard: {index: i, count: n}` builds runs i−1, i−1+n, … into
 * data/reports/.shards/NAME/i-of-n/, and assembleReport (run automatically once all n shards are there)
 * publishes the report from them.
 */
import { cp, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  MAX_NAME_LENGTH,
  MAX_RUNS,
  parseReportConfig,
  REPORT_NAME,
  type ReportConfig,
  RESERVED_NAMES,
  type SamplerSpec,
} from "../../core/reports/config.js";
import {
  type Headline,
  type Provenance,
  type Report,
  REPORT_FORMAT,
  REPORT_VERSION,
  type ReportSummary,
  type RunResult,
} from "../../core/reports/report.js";
import { canonicalJson, sha256Hex } from "../../core/hash.js";
import { libraryVersions, PROJECT_ROOT, readGitCommit } from "./provenance.js";
import { publishDir, recoverDir, siblingPath } from "./publish.js";
import { type RunProgress, type RunTask, writeSynced } from "./run.js";
import type { WorkerReply, WorkerRequest } from "./worker.js";

export const REPORTS_DIR = join(PROJECT_ROOT, "data", "reports");
export const REPORT_FILE = "report.json";
export const CONFIG_FILE = "config.json";
const SHARD_FILE = "shard.json";
const SHARDS = ".shards";
/** Framework's cache of loader outputs: it serves them until the loader file itself is newer. */
const SITE_CACHE = join(PROJECT_ROOT, "src", ".observablehq", "cache");
/**
 * The web Worker, taken before anything starts onnxruntime: its Emscripten build replaces
 * globalThis.Worker by node:worker_threads' Worker when its first session starts, and workers made
 * from that one never deliver their messages to this module's handlers.
 */
const WebWorker = globalThis.Worker;

export interface Shard {
  /** 1 … count. */
  index: number;
  count: number;
}

export type ReportProgress =
  | RunProgress
  | { kind: "run-start"; run: string; label: string }
  | { kind: "run-done"; run: string; trained: boolean; seconds: { train: number; evaluate: number } };

export interface BuildReportOptions {
  /** Where reports are published (default data/reports/). */
  reportsDir?: string;
  /** The run cache (default data/runs/). */
  runsDir?: string;
  /** Build only this share of the sweep's runs, into the shards folder. */
  shard?: Shard;
  /** Runs built at once, each in its own worker (default: 2 on a machine with 2 or more cores). */
  parallel?: number;
  onProgress?: (event: ReportProgress) => void;
  /** Called as each run finishes; a throw fails the build like any error (tests inject faults here). */
  onRun?: (run: RunResult) => void | Promise<void>;
  /** What started the build, recorded in the provenance (e.g. the CLI command line). */
  command?: string;
  /** Aborting stops the runs in flight (their unfinished training is deleted); nothing is published. */
  signal?: AbortSignal;
}

export interface BuildReportResult {
  name: string;
  /** The published report, or the shard folder when only a shard was built and not yet assembled. */
  dir: string;
  published: boolean;
  shard?: Shard;
  runs: { id: string; label: string; trained: boolean; seconds: { train: number; evaluate: number } }[];
  headline?: Headline;
  seconds: number;
}

/** The published folder of a report name, refusing any name that is not a slug or leaves `reportsDir`. */
export function reportDirFor(name: string, reportsDir = REPORTS_DIR): string {
  if (typeof name !== "string" || !REPORT_NAME.test(name) || name.length > MAX_NAME_LENGTH || RESERVED_NAMES.includes(name)) {
    throw new RangeError(`report name must be a slug of [a-z0-9-] (1 to ${MAX_NAME_LENGTH} characters), got ${JSON.stringify(name)}`);
  }
  const root = resolve(reportsDir);
  const dir = resolve(root, name);
  if (dirname(dir) !== root) throw new RangeError(`report name ${JSON.stringify(name)} resolves outside ${root}`);
  return dir;
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

/** SHA-256 of the fields that decide a report's results. */
export function reportHash(config: ReportConfig): Promise<string> {
  const { runs, samplers, steps, seeds, n } = config;
  const keyed = { runs: runs.map(({ id, values, train }) => ({ id, values, train })), samplers, steps, seeds, n };
  return sha256Hex(new TextEncoder().encode(canonicalJson(keyed)));
}

function defaultParallel(): number {
  return Math.max(1, Math.min(2, globalThis.navigator?.hardwareConcurrency ?? 1));
}

/** How long an aborted worker may take to stop training and delete its unfinished run before it is terminated. */
const ABORT_GRACE_MS = 5_000;

/**
 * One task in a worker; rejects with its one-line error. On abort the worker is asked to stop (so that
 * the run cache loses its unfinished run) and terminated if it has not within ABORT_GRACE_MS.
 */
function runInWorker(
  worker: Worker,
  task: RunTask,
  onProgress: ((event: ReportProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      worker.onmessage = null;
      worker.onerror = null;
      outcome();
    };
    const abort = () => {
      worker.postMessage({ type: "abort" } satisfies WorkerRequest);
      timer = setTimeout(() => settle(() => (worker.terminate(), reject(signal!.reason))), ABORT_GRACE_MS);
    };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === "progress") return onProgress?.(reply.event);
      if (signal?.aborted) return settle(() => reject(signal.reason));
      if (reply.type === "done") settle(() => resolvePromise(reply.result));
      else settle(() => reject(new Error(`${task.plan.id} (${task.plan.label}): ${reply.message}`)));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      settle(() => reject(new Error(`${task.plan.id} (${task.plan.label}): ${event.message}`)));
    };
    if (signal?.aborted) return settle(() => reject(signal.reason));
    signal?.addEventListener("abort", abort, { once: true });
    worker.postMessage({ type: "task", task } satisfies WorkerRequest);
  });
}

/**
 * Builds the runs into `outDir/<id>/`, `parallel` at a time. After a failure no new run starts; runs in
 * flight finish (so the run cache only ever gains complete runs), then the first error is thrown.
 */
async function buildRuns(config: ReportConfig, runs: ReportConfig["runs"], outDir: string, options: BuildReportOptions): Promise<RunResult[]> {
  const parallel = Math.max(1, Math.min(options.parallel ?? defaultParallel(), runs.length));
  const versions = await libraryVersions();
  const results: RunResult[] = [];
  let next = 0;
  let failed = false;
  let failure: unknown;
  const lane = async () => {
    const worker = new WebWorker(new URL("./worker.ts", import.meta.url), { type: "module" });
    try {
      while (!failed && next < runs.length) {
        const plan = runs[next++];
        options.onProgress?.({ kind: "run-start", run: plan.id, label: plan.label });
        const task: RunTask = {
          plan,
          samplers: config.samplers,
          steps: config.steps,
          seeds: config.seeds,
          n: config.n,
          outDir: join(outDir, plan.id),
          runsDir: options.runsDir,
          numThreads: parallel > 1 ? 1 : undefined,
          command: `${options.command ?? `chisel report (${config.name})`}: ${plan.id}`,
          versions,
        };
        const result = await runInWorker(worker, task, options.onProgress, options.signal);
        if (failed) break; // the build is failing: this run is cached, but reported to no one
        results.push(result);
        options.onProgress?.({ kind: "run-done", run: result.id, trained: result.trained, seconds: result.seconds });
        await options.onRun?.(result);
      }
    } catch (error) {
      if (!failed) failure = error;
      failed = true;
    } finally {
      worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  if (failed) throw failure;
  return results.sort((a, b) => a.index - b.index);
}

function headline(runs: RunResult[]): Headline {
  let best: Headline | undefined;
  for (const run of runs) {
    for (const row of run.quality.rows) {
      if (best !== undefined && row.metrics.swd.mean >= best.swd) continue;
      best = {
        run: run.id,
        label: run.label,
        sampler: JSON.parse(JSON.stringify({ sampler: row.sampler, eta: row.eta, spacing: row.spacing })),
        steps: row.steps,
        swd: row.metrics.swd.mean,
        floorSwd: run.quality.floor.swd.mean,
        mmd: row.metrics.mmd.mean,
        precision: row.metrics.precision.mean,
        coverage: row.metrics.coverage.mean,
      };
    }
  }
  return best!;
}

async function writeReport(dir: string, config: ReportConfig, runs: RunResult[], provenance: Provenance): Promise<Report> {
  const report: Report = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    name: config.name,
    title: config.title,
    ...(config.description === undefined ? {} : { description: config.description }),
    configHash: await reportHash(config),
    config: config.source,
    ...(config.sweep === undefined ? {} : { sweep: Object.keys(config.sweep) }),
    samplers: config.samplers,
    steps: config.steps,
    seeds: config.seeds,
    n: config.n,
    provenance,
    headline: headline(runs),
    runs,
  };
  await writeSynced(join(dir, CONFIG_FILE), JSON.stringify(config.source, null, 2) + "\n");
  await writeSynced(join(dir, REPORT_FILE), JSON.stringify(report) + "\n");
  return report;
}

async function provenance(options: BuildReportOptions, started: number, parallel: number): Promise<Provenance> {
  const git = await readGitCommit();
  return {
    ...(git === undefined ? {} : { git }),
    date: new Date().toISOString(),
    versions: await libraryVersions(),
    inference: `onnxruntime-web (wasm, ${parallel > 1 ? 1 : 2} thread${parallel > 1 ? "" : "s"} per run) on the ONNX export`,
    host: { os: Deno.build.os, arch: Deno.build.arch, cores: globalThis.navigator?.hardwareConcurrency ?? 1 },
    ...(options.command === undefined ? {} : { command: options.command }),
    seconds: elapsed(started),
  };
}

/**
 * Drops the site's cached page, files and index of a report just published to the site's reports
 * folder: they come from loaders whose own files did not change, so Framework would keep serving the
 * old report.
 */
async function invalidateSiteCache(name: string, reportsDir: string): Promise<void> {
  if (resolve(reportsDir) !== resolve(REPORTS_DIR)) return;
  await rm(join(SITE_CACHE, "reports", `${name}.md`), { force: true });
  await rm(join(SITE_CACHE, "reports", name), { recursive: true, force: true });
  await rm(join(SITE_CACHE, "data", "reports.json"), { force: true });
}

function runSummaries(runs: RunResult[]): BuildReportResult["runs"] {
  return runs.map(({ id, label, trained, seconds }) => ({ id, label, trained, seconds }));
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}

/** Removes a temporary folder whatever happened, then rethrows. */
async function inTemporary<T>(dir: string, body: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  try {
    return await body();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Trains (or takes from the cache), samples and evaluates every run of the report, and publishes it to
 * `reportsDir/NAME/` atomically; with `shard`, builds that share into the shards folder instead, and
 * assembles the report when every shard is there.
 */
export async function buildReport(config: ReportConfig, options: BuildReportOptions = {}): Promise<BuildReportResult> {
  const started = performance.now();
  const reportsDir = options.reportsDir ?? REPORTS_DIR;
  const target = reportDirFor(config.name, reportsDir);
  await mkdir(reportsDir, { recursive: true });
  await recoverDir(target, REPORT_FILE);
  const parallel = Math.max(1, Math.min(options.parallel ?? defaultParallel(), config.runs.length));

  if (options.shard !== undefined) {
    const { index, count } = options.shard;
    const shardDir = join(reportsDir, SHARDS, config.name, `${index}-of-${count}`);
    await mkdir(dirname(shardDir), { recursive: true });
    const temporary = siblingPath(shardDir, "tmp");
    const runs = await inTemporary(temporary, async () => {
      const built = await buildRuns(config, shardRuns(config.runs, options.shard), temporary, options);
      const document = { format: `${REPORT_FORMAT}-shard`, configHash: await reportHash(config), shard: options.shard, runs: built };
      await writeSynced(join(temporary, SHARD_FILE), JSON.stringify(document) + "\n");
      await publishDir(temporary, shardDir);
      return built;
    });
    const shardResult = { name: config.name, shard: options.shard, runs: runSummaries(runs) };
    if ((await missingShards(config, count, reportsDir)).length > 0) {
      return { ...shardResult, dir: shardDir, published: false, seconds: elapsed(started) };
    }
    const assembled = await assembleReport(config, options);
    return { ...assembled, ...shardResult, seconds: elapsed(started) };
  }

  const temporary = siblingPath(target, "tmp");
  return inTemporary(temporary, async () => {
    const runs = await buildRuns(config, config.runs, temporary, options);
    const report = await writeReport(temporary, config, runs, await provenance(options, started, parallel));
    await publishDir(temporary, target);
    await invalidateSiteCache(config.name, reportsDir);
    return { name: config.name, dir: target, published: true, runs: runSummaries(runs), headline: report.headline, seconds: elapsed(started) };
  });
}

interface ShardDocument {
  format: string;
  configHash: string;
  shard: Shard;
  runs: RunResult[];
}

async function readShard(dir: string): Promise<ShardDocument | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, SHARD_FILE), "utf8"));
  } catch {
    return undefined;
  }
}

/** Shard numbers of `count` not yet built for this exact config (a shard of another config counts as missing). */
async function missingShards(config: ReportConfig, count: number, reportsDir: string): Promise<number[]> {
  const hash = await reportHash(config);
  const missing: number[] = [];
  for (let index = 1; index <= count; index++) {
    const shard = await readShard(join(reportsDir, SHARDS, config.name, `${index}-of-${count}`));
    if (shard?.configHash !== hash) missing.push(index);
  }
  return missing;
}

/**
 * Publishes a report from its shards (data/reports/.shards/NAME/i-of-n/, all n of one n, built from this
 * same config), then removes them.
 */
export async function assembleReport(config: ReportConfig, options: BuildReportOptions = {}): Promise<BuildReportResult> {
  const started = performance.now();
  const reportsDir = options.reportsDir ?? REPORTS_DIR;
  const target = reportDirFor(config.name, reportsDir);
  const shardsDir = join(reportsDir, SHARDS, config.name);
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
  const temporary = siblingPath(target, "tmp");
  return inTemporary(temporary, async () => {
    const runs: RunResult[] = [];
    for (let index = 1; index <= count; index++) {
      const dir = join(shardsDir, `${index}-of-${count}`);
      const shard = (await readShard(dir))!;
      for (const run of shard.runs) {
        await cp(join(dir, run.id), join(temporary, run.id), { recursive: true });
        runs.push(run);
      }
    }
    runs.sort((a, b) => a.index - b.index);
    const expected = config.runs.map((run) => run.id).join(",");
    if (runs.map((run) => run.id).join(",") !== expected) {
      throw new RangeError(`${config.name}: the shards hold runs ${runs.map((r) => r.id).join(", ")}, expected ${expected}`);
    }
    const parallel = Math.max(1, Math.min(options.parallel ?? defaultParallel(), config.runs.length));
    const report = await writeReport(temporary, config, runs, { ...(await provenance(options, started, parallel)), shards: count });
    await publishDir(temporary, target);
    await invalidateSiteCache(config.name, reportsDir);
    await rm(shardsDir, { recursive: true, force: true });
    return { name: config.name, dir: target, published: true, runs: runSummaries(runs), headline: report.headline, seconds: elapsed(started) };
  });
}

/** Reads and validates a report config file (one-line RangeError naming the file and the JSON path). */
export async function readReportConfig(path: string): Promise<ReportConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const problem = (error as { code?: string }).code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0];
    throw new RangeError(`${path}: ${problem}`);
  }
  try {
    return parseReportConfig(json);
  } catch (error) {
    throw new RangeError(`${path}: ${(error as Error).message}`);
  }
}

/** The published report of a name, as written (no validation beyond its format tag). */
export async function loadReport(name: string, reportsDir = REPORTS_DIR): Promise<Report> {
  const path = join(reportDirFor(name, reportsDir), REPORT_FILE);
  const report = JSON.parse(await readFile(path, "utf8"));
  if (report?.format !== REPORT_FORMAT || report?.version !== REPORT_VERSION) {
    throw new RangeError(`${path}: not a ${REPORT_FORMAT} version ${REPORT_VERSION} file`);
  }
  return report;
}

/** The names of the published reports (folders holding a report.json), sorted. */
export async function listReports(reportsDir = REPORTS_DIR): Promise<string[]> {
  const names: string[] = [];
  for (const name of await readdir(reportsDir).catch(() => [] as string[])) {
    if (!REPORT_NAME.test(name) || RESERVED_NAMES.includes(name)) continue;
    if (await stat(join(reportsDir, name, REPORT_FILE)).then((s) => s.isFile(), () => false)) names.push(name);
  }
  return names.sort();
}

/** The index's line for each published report, in name order. */
export async function reportSummaries(reportsDir = REPORTS_DIR): Promise<ReportSummary[]> {
  const out: ReportSummary[] = [];
  for (const name of await listReports(reportsDir)) {
    const report = await loadReport(name, reportsDir);
    out.push({
      name,
      title: report.title,
      ...(report.description === undefined ? {} : { description: report.description }),
      date: report.provenance.date,
      ...(report.provenance.git === undefined ? {} : { commit: report.provenance.git.commit }),
      runs: report.runs.length,
      ...(report.sweep === undefined ? {} : { sweep: report.sweep }),
      trainingSteps: [...new Set(report.runs.map((run) => run.train.training.steps))],
      headline: report.headline,
    });
  }
  return out;
}
