/**
 * A report's straightness table: a row per run × sampler, a column per step count, each cell the
 * first seed's total path length from x_T to the samples over the total distance between the paths'
 * ends (1 = straight; src/core/straightness.ts), to 4 significant digits so that a near-straight
 * path (1.004) does not read as straight. Blank where that run × sampler × step count has no
 * measure (reports built before it was measured).
 */

import { formatSig } from "./format.js";
import { tableCell } from "./tableCell.js";

export interface StraightnessRow {
  /** The row's name: "flow-matching · Heun". */
  label: string;
  /** Straightness by step count. */
  values: Map<number, number>;
}

export interface StraightnessTableOptions {
  /** What the rows are, for the first column's header (default "run · sampler"). */
  rowLabel?: string;
  document?: Document;
}

export function straightnessTable(rows: StraightnessRow[], steps: number[], options: StraightnessTableOptions = {}): HTMLElement {
  const { rowLabel = "run · sampler", document = globalThis.document } = options;
  const cell = (tag: "td" | "th", text: string, numeric = false) => tableCell(document, tag, text, numeric);
  const table = document.createElement("table");
  table.className = "report-straightness";
  const head = table.createTHead().insertRow();
  head.append(cell("th", rowLabel));
  for (const s of steps) head.append(cell("th", `${s} step${s === 1 ? "" : "s"}`, true));
  const body = table.createTBody();
  for (const { label, values } of rows) {
    const row = body.insertRow();
    row.append(cell("td", label));
    for (const s of steps) {
      const value = values.get(s);
      row.append(cell("td", value === undefined ? "" : formatSig(value, 4), true));
    }
  }
  table.style.maxWidth = "none";
  const wrapper = document.createElement("div");
  wrapper.style.overflowX = "auto";
  wrapper.append(table);
  return wrapper;
}
