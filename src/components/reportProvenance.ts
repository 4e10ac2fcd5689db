/**
 * Where a report's numbers come from: the commit and versions that computed them, when, on what, and
 * the SHA-256 of every run's weights (checkpoint and ONNX), so a download can be checked against the page.
 * Text only goes through textContent: titles and labels come from config files.
 */

import type { Provenance } from "../core/reports/report.js";

export interface ProvenanceReport {
  configHash: string;
  provenance: Provenance;
  runs: {
    id: string;
    label: string;
    engine: string;
    configHash: string;
    trained: boolean;
    created: string;
    checkpoint: { file: string; sha256: string; step: number };
    onnx: { sha256: string };
  }[];
}

function element<K extends keyof HTMLElementTagNameMap>(document: Document, tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A two-column table of the build's provenance, and a table of each run's weights. */
export function provenanceView(report: ProvenanceReport, options: { document?: Document } = {}): HTMLElement {
  const { document = globalThis.document } = options;
  const { provenance: p } = report;
  const root = element(document, "div");
  root.className = "report-provenance";
  const list = element(document, "table");
  list.className = "report-provenance-list";
  const entries: [string, string][] = [
    ["git commit", p.git ? `${p.git.commit}${p.git.branch ? ` (${p.git.branch})` : ""}` : "not a git work tree"],
    ["built", `${p.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")} in ${p.seconds} s${p.shards ? `, from ${p.shards} shards` : ""}`],
    ["versions", Object.entries(p.versions).map(([name, version]) => `${name} ${version}`).join(", ")],
    ["training engines", [...new Set(report.runs.map((run) => run.engine))].join(", ")],
    ["sampling", p.inference],
    ["host", `${p.host.os} ${p.host.arch}, ${p.host.cores} cores`],
    ["report config hash", report.configHash],
  ];
  if (p.command) entries.push(["command", p.command]);
  for (const [term, definition] of entries) {
    const row = list.insertRow();
    const header = element(document, "th", term);
    header.scope = "row";
    header.style.whiteSpace = "nowrap";
    row.append(header, element(document, "td", definition));
  }
  root.append(list);

  const table = element(document, "table");
  const head = table.createTHead().insertRow();
  for (const text of ["run", "training config hash", "trained", "checkpoint SHA-256", "ONNX SHA-256"]) head.append(element(document, "th", text));
  const body = table.createTBody();
  for (const run of report.runs) {
    const row = body.insertRow();
    const hash = (text: string) => {
      const cell = element(document, "td");
      const code = element(document, "code", text);
      // 64 hex digits fold onto lines of 16 instead of stretching the table.
      code.style.wordBreak = "break-all";
      code.style.display = "inline-block";
      code.style.maxWidth = "17ch";
      cell.append(code);
      return cell;
    };
    row.append(
      element(document, "td", run.label),
      hash(run.configHash.slice(0, 16)),
      element(document, "td", `${run.created.slice(0, 10)}${run.trained ? " (this build)" : " (run cache)"}, ${run.checkpoint.step} steps`),
      hash(run.checkpoint.sha256),
      hash(run.onnx.sha256),
    );
  }
  table.style.maxWidth = "none";
  const wrapper = element(document, "div");
  wrapper.style.overflowX = "auto";
  wrapper.append(table);
  root.append(wrapper);
  return root;
}

/** The report config as given, pretty-printed and folded. */
export function configView(config: unknown, options: { document?: Document; open?: boolean } = {}): HTMLElement {
  const { document = globalThis.document, open = false } = options;
  const details = element(document, "details");
  details.open = open;
  details.append(element(document, "summary", "Report config (the CLI rebuilds this report from it)"));
  details.append(element(document, "pre", JSON.stringify(config, null, 2)));
  return details;
}
