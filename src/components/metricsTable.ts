/**
 * The four sample-quality numbers of a few sample sets side by side, with the floor (the same metrics
 * for fresh draws of the data) as the last row: a row near the floor is as close to the data as a
 * finite sample can be. A value is one number, or a mean and standard deviation over seeds
 * (src/core/quality.ts's summaries), shown as "mean ± sd".
 */

import { formatSig } from "./format.js";

export type MetricValue = number | { mean: number; sd: number };

export interface MetricValues {
  swd: MetricValue;
  mmd: MetricValue;
  precision: MetricValue;
  coverage: MetricValue;
}

export interface MetricsRow {
  label: string;
  /** Undefined while the row's samples are being computed (shown as "…"). */
  metrics?: MetricValues;
}

const COLUMNS: [keyof MetricValues, string, string][] = [
  ["swd", "Sliced W₁ ↓", "sliced Wasserstein-1 distance to the training set, in data units"],
  ["mmd", "MMD² ↓", "squared maximum mean discrepancy (RBF kernel, median-distance bandwidth)"],
  ["precision", "Precision ↑", "share of samples inside the 5-NN ball of some training point"],
  ["coverage", "Coverage ↑", "share of training points whose 5-NN ball holds a sample"],
];

function show(value: MetricValue): { text: string; mean: number } {
  if (typeof value === "number") return { text: formatSig(value, 3), mean: value };
  const text = value.sd > 0 ? `${formatSig(value.mean, 3)} ± ${formatSig(value.sd, 2)}` : formatSig(value.mean, 3);
  return { text, mean: value.mean };
}

export function metricsTable(
  rows: MetricsRow[],
  floor: MetricValues,
  options: { caption?: string; floorLabel?: string; document?: Document } = {},
): HTMLTableElement {
  const { caption, floorLabel = "floor (fresh data)", document = globalThis.document } = options;
  const table = document.createElement("table");
  table.className = "metrics-table";
  table.style.cssText = "font-variant-numeric: tabular-nums; max-width: 100%;";
  if (caption) table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "samples";
  head.append(corner);
  for (const [, label, description] of COLUMNS) {
    const th = document.createElement("th");
    th.textContent = label;
    th.title = description;
    th.scope = "col";
    th.style.textAlign = "right";
    head.append(th);
  }
  const body = table.createTBody();
  const addRow = (label: string, metrics: MetricValues | undefined, className?: string) => {
    const tr = body.insertRow();
    if (className) tr.className = className;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    th.style.fontWeight = "normal";
    tr.append(th);
    for (const [key] of COLUMNS) {
      const td = tr.insertCell();
      td.style.textAlign = "right";
      if (metrics === undefined) {
        td.textContent = "…";
        continue;
      }
      const { text, mean } = show(metrics[key]);
      td.textContent = text;
      td.dataset.value = String(mean);
    }
  };
  for (const row of rows) addRow(row.label, row.metrics);
  addRow(floorLabel, floor, "metrics-floor");
  return table;
}
