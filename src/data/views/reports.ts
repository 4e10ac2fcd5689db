/**
 * Published reports as the site serves them: the page of a report (src/reports/[name].template.md filled in with
 * the report's title, and with its files spelled out, since Framework only ships files named literally
 * in a page), the files themselves, and the index's list. The loaders under src/reports/ and src/data/
 * are thin entry points over these.
 *
 * A report that cannot be read (a truncated report.json) never fails the site's build: the index lists
 * it under a note with its problem, its page says the same and nothing else, and each writes a warning
 * to stderr, which the build log shows.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import type { Report } from "../../core/reports/report.js";
import { briefProblem, CONFIG_FILE, loadReport, REPORT_FILE, reportDirFor, type ReportIndex, REPORTS_DIR, readReportIndex } from "../../io/reports/read.js";
import { inertLine, inertProse } from "./inertText.js";
import { readBoundedFile, readBoundedText } from "../../io/files.js";

const TEMPLATE = new URL("../../reports/[name].template.md", import.meta.url);
const RUN_ID = /^run-\d+$/;
const FILE_STEM = /^[a-z0-9][a-z0-9-]*$/;
export const REPORT_FILE_TYPES = ["json", "csv", "onnx", "f32"] as const;
export type ReportFileType = (typeof REPORT_FILE_TYPES)[number];

/** The parameters Framework passes a parameterized loader, as `--name=value` arguments. */
export function loaderParams<K extends string>(args: string[], names: readonly K[]): Record<K, string> {
  const options = Object.fromEntries(names.map((name) => [name, { type: "string" as const }]));
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  for (const name of names) {
    if (typeof values[name] !== "string") throw new RangeError(`loader parameter --${name} is required`);
  }
  return values as Record<K, string>;
}

/**
 * The bytes of one file of a published report: `file` in the report folder, or in its run folder `run`.
 * Names are checked (slugs, a known type) and the path must stay inside the report.
 */
export async function reportFile(
  params: { name: string; run?: string; file: string },
  type: ReportFileType,
  reportsDir = REPORTS_DIR,
): Promise<Uint8Array> {
  const dir = reportDirFor(params.name, reportsDir);
  if (params.run !== undefined && !RUN_ID.test(params.run)) throw new RangeError(`run must look like run-0, got ${JSON.stringify(params.run)}`);
  if (!FILE_STEM.test(params.file)) throw new RangeError(`file must be a name of [a-z0-9-], got ${JSON.stringify(params.file)}`);
  if (!REPORT_FILE_TYPES.includes(type)) throw new RangeError(`type must be one of ${REPORT_FILE_TYPES.join(", ")}, got ${type}`);
  const path = resolve(dir, params.run ?? ".", `${params.file}.${type}`);
  // Checked where the file really is: a link in a cloned report must not publish a file from elsewhere.
  const inside = relative(await realpath(dir), await realpath(path));
  if (inside.startsWith("..") || isAbsolute(inside)) throw new RangeError(`${params.file}.${type} is outside report ${params.name}`);
  return readBoundedFile(path, "report");
}

/** Paragraphs (split at blank lines), each one inert line, so Markdown leaves them alone. */
function paragraphs(text: string): string {
  return String(text).split(/\n\s*\n/).map((p) => `<p>${inertProse(p)}</p>`).join("\n");
}

/**
 * The report's file paths as the page names them, checked against what the file loaders serve: they
 * go into links and into FileAttachment calls, where Framework would copy whatever a path names.
 */
function checkPaths(name: string, report: Report): void {
  const check = (path: string, type: ReportFileType) => {
    const [run, file, ...rest] = String(path).split("/");
    if (rest.length > 0 || !RUN_ID.test(run) || !file?.endsWith(`.${type}`) || !FILE_STEM.test(file.slice(0, -type.length - 1))) {
      throw new RangeError(`report ${name}: ${JSON.stringify(path)} is not a run-K/name.${type} file`);
    }
  };
  for (const run of report.runs) {
    check(`${run.id}/${run.checkpoint.file}`, "f32");
    for (const s of run.samples) check(`${run.id}/${s.file}`, "csv");
  }
}

/**
 * A cell reading every sample CSV as text, by "run-K/file.csv". Each FileAttachment is called with
 * .text() on the spot: Framework infers the reader from the call, and a bare .csv attachment would
 * make it bundle d3-dsv from a CDN.
 */
function attachments(name: string, report: Report): string {
  const lines = report.runs.flatMap((run) =>
    run.samples.map((s) => `  [${JSON.stringify(`${run.id}/${s.file}`)}, FileAttachment(${JSON.stringify(`./${name}/${run.id}/${s.file}`)}).text()]`)
  );
  return ["```js", "const sampleTexts = new Map([", lines.join(",\n"), "]);", "```"].join("\n");
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} kB`;
}

function downloads(name: string, report: Report): string {
  const link = (path: string, text: string, bytes?: number) =>
    `<a download="${inertLine(`${name}-${path.replaceAll("/", "-")}`)}" href="./${inertLine(`${name}/${path}`)}">${inertLine(text)}</a>` +
    (bytes === undefined ? "" : ` <small>(${kilobytes(bytes)})</small>`);
  const rows = report.runs.map((run) => {
    const csv = run.samples.map((s) => link(`${run.id}/${s.file}`, `${s.samplerId} × ${s.steps}`)).join(" · ");
    return `<tr><td>${inertLine(run.label)}</td>` +
      `<td>${link(`${run.id}/${run.checkpoint.file}`, run.checkpoint.file, run.checkpoint.bytes)} + ${link(`${run.id}/manifest.json`, "manifest.json", run.manifest.bytes)}</td>` +
      `<td>${link(`${run.id}/model.onnx`, "model.onnx", run.onnx.bytes)}</td><td>${csv}</td></tr>`;
  });
  return [
    `<p>${link(CONFIG_FILE, "The report config")} (what <code>chisel report --config</code> takes) · ${link(REPORT_FILE, "report.json")} (every number on this page)</p>`,
    '<div style="overflow-x: auto"><table class="report-downloads">',
    "<thead><tr><th>run</th><th>checkpoint (float32) and manifest</th><th>ONNX</th><th>samples (CSV, seed " +
    `${inertLine(String(report.seeds[0]))})</th></tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody></table></div>`,
  ].join("\n");
}

/**
 * The Markdown page of a published report. Every text from report.json (title, description, labels,
 * paths, the date) goes in through inertLine, and file paths must be ones the loaders serve, so the
 * report can add no code, element or file to the page.
 */
export async function reportPage(name: string, reportsDir = REPORTS_DIR): Promise<string> {
  const dir = reportDirFor(name, reportsDir);
  let report: Report;
  try {
    report = await loadReport(name, reportsDir);
  } catch (error) {
    // Files named as in the report, not by where the site was built.
    const problem = briefProblem((error as Error).message.replaceAll(`${dir}${sep}`, ""));
    console.warn(`chisel: report ${name} cannot be read, so its page says only that: ${problem}`);
    return unreadablePage(name, problem);
  }
  checkPaths(name, report);
  const template = await readBoundedText(TEMPLATE, "config");
  const source = report.provenance.command?.match(/--config (\S+)/)?.[1] ?? `reports/${name}.json`;
  const fill: Record<string, string> = {
    title: inertProse(report.title),
    description: report.description === undefined ? "" : paragraphs(report.description),
    date: inertLine(String(report.provenance.date).slice(0, 10)),
    config: inertLine(source),
    attachments: attachments(name, report),
    downloads: downloads(name, report),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => fill[key] ?? match);
}

/** The page of a report that cannot be read: its name and the problem, as inert text, and no file. */
function unreadablePage(name: string, problem: string): string {
  return [
    "---",
    "toc: false",
    "---",
    "",
    `<h1>${inertLine(name)}</h1>`,
    "",
    `<div class="warning"><p>This report cannot be read, so it is not shown: ${inertLine(problem)}</p>` +
    "<p>Building it again (<code>npm run chisel -- report --config</code> with its config) publishes it anew.</p></div>",
    "",
    '<p><a href="./">All reports</a></p>',
    "",
  ].join("\n");
}

/** The reports index's data: every readable report's line, and the reports left out with why (also on stderr). */
export async function reportIndex(reportsDir = REPORTS_DIR): Promise<ReportIndex> {
  const index = await readReportIndex(reportsDir);
  for (const { name, problem } of index.skipped) console.warn(`chisel: the reports index leaves out ${name}: ${problem}`);
  return index;
}
