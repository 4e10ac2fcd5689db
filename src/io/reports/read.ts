/**
 * Published reports as readers find them: data/reports/NAME/ holds the report.json the site renders and
 * the config.json it was built from; a report config file is read and validated before any build.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { MAX_NAME_LENGTH, parseReportConfig, REPORT_NAME, type ReportConfig, RESERVED_NAMES } from "../../core/reports/config.js";
import { type Report, REPORT_FORMAT, REPORT_VERSION, type ReportSummary } from "../../core/reports/report.js";
import { PROJECT_ROOT } from "./provenance.js";

export const REPORTS_DIR = join(PROJECT_ROOT, "data", "reports");
export const REPORT_FILE = "report.json";
export const CONFIG_FILE = "config.json";

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
