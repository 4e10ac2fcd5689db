/**
 * A report's metrics table: every run × sampler × step count, each metric as mean ± standard deviation
 * over the seeds, next to the floor, the same metrics between independent draws of the dataset (what
 * a perfect sampler would score with as many points). "SWD ÷ floor" reads as how many times farther
 * from the data than a fresh draw of it the samples are.
 */

import { makeSortable } from "./sortableTable.js";
import { formatSig } from "./format.js";
import { samplerName, tableCell } from "./tableCell.js";

interface Summary {
  mean: number;
  sd: number;
}
type Metrics = { swd: Summary; mmd: Summary; precision: Summary; coverage: Summary };

export interface MetricsRun {
  label: string;
  quality: {
    floor: Metrics;
    rows: { sampler: string; eta?: number; spacing?: string; steps: number; metrics: Metrics }[];
  };
}

export interface MetricsTableOptions {
  /** Show the run column (a sweep). */
  runColumn?: string;
  /** How a sampler row is named (default: its name, η and spacing). */
  samplerLabel?: (row: { sampler: string; eta?: number; spacing?: string }) => string;
  document?: Document;
}

const METRICS = ["swd", "mmd", "precision", "coverage"] as const;
const HEADERS = ["SWD ↓", "SWD ÷ floor", "MMD² ↓", "precision ↑", "coverage ↑"];

function plusMinus(s: Summary): string {
  return s.sd > 0 ? `${formatSig(s.mean)} ± ${formatSig(s.sd, 2)}` : formatSig(s.mean);
}


export function reportMetricsTable(runs: MetricsRun[], options: MetricsTableOptions = {}): HTMLElement {
  const { runColumn, samplerLabel = samplerName, document = globalThis.document } = options;
  const cell = (tag: "td" | "th", text: string, numeric = false) => tableCell(document, tag, text, numeric);
  const table = document.createElement("table");
  table.className = "report-metrics";
  const head = table.createTHead().insertRow();
  for (const text of [...(runColumn ? [runColumn] : []), "sampler", "steps", ...HEADERS]) head.append(cell("th", text));
  const body = table.createTBody();

  // One floor row per distinct floor (a sweep over the dataset has several).
  const floors = new Map<string, { floor: Metrics; labels: string[] }>();
  for (const run of runs) {
    const key = JSON.stringify(run.quality.floor);
    if (!floors.has(key)) floors.set(key, { floor: run.quality.floor, labels: [] });
    floors.get(key)!.labels.push(run.label);
  }
  for (const { floor, labels } of floors.values()) {
    const row = body.insertRow();
    row.className = "report-floor";
    row.style.fontStyle = "italic";
    if (runColumn) row.append(cell("td", floors.size > 1 ? labels.join(", ") : "all"));
    row.append(cell("td", "floor: a fresh draw of the data"), cell("td", "—"));
    row.append(cell("td", plusMinus(floor.swd), true), cell("td", "1", true));
    for (const key of METRICS.slice(1)) row.append(cell("td", plusMinus(floor[key]), true));
  }
  for (const run of runs) {
    for (const r of run.quality.rows) {
      const row = body.insertRow();
      if (runColumn) row.append(cell("td", run.label));
      row.append(cell("td", samplerLabel(r)), cell("td", String(r.steps), true));
      row.append(cell("td", plusMinus(r.metrics.swd), true));
      row.append(cell("td", formatSig(r.metrics.swd.mean / run.quality.floor.swd.mean, 2), true));
      for (const key of METRICS.slice(1)) row.append(cell("td", plusMinus(r.metrics[key]), true));
    }
  }
  makeSortable(table, { pinnedClass: "report-floor" });
  // Wider than Framework's 640 px text column when it needs to be, scrolling on narrow screens.
  table.style.maxWidth = "none";
  const wrapper = document.createElement("div");
  wrapper.style.overflowX = "auto";
  wrapper.append(table);
  return wrapper;
}
