/**
 * Published reports as readers find them: data/reports/NAME/ holds the report.json the site renders and
 * the config.json it was built from; a report config file is read and validated before any build.
 * Readers and builders first recover reports whose publish was interrupted (recoverReports).
 */
import { type Dirent, readdirSync, utimesSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { MAX_NAME_LENGTH, parseReportConfig, REPORT_NAME, type ReportConfig, RESERVED_NAMES } from "../../core/reports/config.js";
import { type Report, REPORT_FORMAT, REPORT_VERSION, type ReportSummary } from "../../core/reports/report.js";
import { readBoundedText } from "../files.js";
import { pinReportDatasets } from "../datasetFile.js";
import { PROJECT_ROOT } from "./provenance.js";
import { sweepPublished, type SweepResult } from "./publish.js";

export const REPORTS_DIR = join(PROJECT_ROOT, "data", "reports");
/** The committed report configs, which `chisel report --all` and the publish plan build. */
export const REPORT_CONFIGS_DIR = join(PROJECT_ROOT, "reports");

/** The committed report configs, reports/*.json, by name. */
export async function reportConfigFiles(): Promise<string[]> {
  const names = await readdir(REPORT_CONFIGS_DIR).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".json")).sort().map((name) => join(REPORT_CONFIGS_DIR, name));
}
export const REPORT_FILE = "report.json";
export const CONFIG_FILE = "config.json";
/** The folder of shards under construction (shards.ts), and the record in each shard's folder. */
export const SHARDS_DIR = ".shards";
export const SHARD_FILE = "shard.json";

/**
 * Recovers every report (and shard) whose publish was interrupted, and removes the leftovers of dead
 * builds (publish.ts: sweepPublished). A process that may not write there (the site's data loaders, for
 * which the site's config has done it as the site started) changes nothing: the names it would have
 * recovered come back as `interrupted`.
 */
export function recoverReports(reportsDir = REPORTS_DIR): SweepResult {
  const result = sweepPublished(reportsDir, REPORT_FILE);
  // A recovery is a publish to the site's cache, which compares report.json's time with its cached pages'.
  const now = new Date();
  for (const name of result.recovered) {
    try {
      utimesSync(join(reportsDir, name, REPORT_FILE), now, now);
    } catch {
      // republished or removed meanwhile: that publish told the cache itself
    }
  }
  const shards = join(reportsDir, SHARDS_DIR);
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(shards, { withFileTypes: true });
  } catch {
    // no shards
  }
  for (const entry of entries) if (entry.isDirectory()) sweepPublished(join(shards, entry.name), SHARD_FILE);
  return result;
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

/** Reads and validates a report config file (one-line RangeError naming the file and the JSON path). */
export async function readReportConfig(path: string): Promise<ReportConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readBoundedText(path, "config"));
  } catch (error) {
    const problem = (error as { code?: string }).code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0];
    throw new RangeError(`${path}: ${problem}`);
  }
  try {
    // A dataset file is pinned by its content (sha256) here, so the report's hash and its shards key on
    // the points, not on the path.
    return await pinReportDatasets(parseReportConfig(json));
  } catch (error) {
    throw new RangeError(`${path}: ${(error as Error).message}`);
  }
}

/**
 * Several report configs, each validated (readReportConfig), refusing two of one name: they would
 * publish, one over the other, into one folder. Every problem is one RangeError line naming the file.
 */
export async function readReportConfigs(files: string[]): Promise<[string, ReportConfig][]> {
  const configs: [string, ReportConfig][] = [];
  for (const file of files) {
    const config = await readReportConfig(file);
    const twin = configs.find(([, other]) => other.name === config.name);
    if (twin !== undefined) throw new RangeError(`${file} and ${twin[0]} both name the report ${config.name}: give each report its own name`);
    configs.push([file, config]);
  }
  return configs;
}

/** A report.json as written (no validation beyond its format tag); errors do not name the file. */
async function readReportFile(path: string): Promise<Report> {
  const report = JSON.parse(await readBoundedText(path, "report"));
  if (report?.format !== REPORT_FORMAT || report?.version !== REPORT_VERSION) {
    throw new RangeError(`not a ${REPORT_FORMAT} version ${REPORT_VERSION} file`);
  }
  return report;
}

/** The published report of a name, as written (no validation beyond its format tag). */
export async function loadReport(name: string, reportsDir = REPORTS_DIR): Promise<Report> {
  const path = join(reportDirFor(name, reportsDir), REPORT_FILE);
  recoverReports(reportsDir);
  try {
    return await readReportFile(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") throw error;
    throw new RangeError(`${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Names of the folders of `reportsDir` holding a report.json, sorted. */
async function publishedNames(reportsDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of await readdir(reportsDir).catch(() => [] as string[])) {
    if (!REPORT_NAME.test(name) || RESERVED_NAMES.includes(name)) continue;
    if (await stat(join(reportsDir, name, REPORT_FILE)).then((s) => s.isFile(), () => false)) names.push(name);
  }
  return names.sort();
}

/** The names of the published reports (folders holding a report.json), sorted. */
export function listReports(reportsDir = REPORTS_DIR): Promise<string[]> {
  recoverReports(reportsDir);
  return publishedNames(reportsDir);
}

/** A report the index leaves out, and why, in one line. */
export interface SkippedReport {
  name: string;
  problem: string;
}

export interface ReportIndex {
  /** The index's line for each readable report, in name order. */
  reports: ReportSummary[];
  /** Reports that are published but cannot be read, or whose publish was interrupted. */
  skipped: SkippedReport[];
}

/** Problems are shown on a page: long ones (a parser quoting the file) are cut. */
const MAX_PROBLEM_LENGTH = 200;

/** The first line of a problem, cut to MAX_PROBLEM_LENGTH. */
export function briefProblem(text: string): string {
  const line = text.split("\n")[0];
  return line.length > MAX_PROBLEM_LENGTH ? `${line.slice(0, MAX_PROBLEM_LENGTH - 1)}…` : line;
}

/**
 * The index of published reports. A report that cannot be read (a truncated or foreign report.json) is
 * skipped with its problem rather than failing the whole index.
 */
export async function readReportIndex(reportsDir = REPORTS_DIR): Promise<ReportIndex> {
  const skipped: SkippedReport[] = recoverReports(reportsDir).interrupted.map((name) => ({
    name,
    problem: "its publish was interrupted; the next chisel report command, or the site as it starts, restores it",
  }));
  const reports: ReportSummary[] = [];
  for (const name of await publishedNames(reportsDir)) {
    try {
      const report = await readReportFile(join(reportsDir, name, REPORT_FILE));
      reports.push({
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
    } catch (error) {
      skipped.push({ name, problem: briefProblem(`${REPORT_FILE}: ${(error as Error).message}`) });
    }
  }
  return { reports, skipped: skipped.sort((a, b) => a.name.localeCompare(b.name)) };
}
