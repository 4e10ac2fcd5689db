/**
 * The reports index: every published report with its headline (its best sampler setting by mean
 * sliced Wasserstein distance, against the floor), linked to its page, and a chart of those headlines.
 */

import { splitSubscripts } from "../core/subscripts.js";
import * as Plot from "@observablehq/plot";
import { settingLabel } from "../core/settings.js";
import { formatSig } from "./format.js";
import { makeSortable } from "./sortableTable.js";
import { samplerName, tableCell } from "./tableCell.js";

export interface IndexEntry {
  name: string;
  title: string;
  date: string;
  runs: number;
  sweep?: string[];
  trainingSteps: number[];
  headline: {
    label: string;
    sampler: { sampler: string; eta?: number; spacing?: string };
    steps: number;
    swd: number;
    floorSwd: number;
    precision: number;
    coverage: number;
  };
}

export interface IndexOptions {
  /** The href of a report's page (default "./NAME.html", which any static file server resolves). */
  href?: (name: string) => string;
  document?: Document;
}

function setting(entry: IndexEntry): string {
  const { sampler, steps, label } = entry.headline;
  return `${samplerName({ ...sampler, spacing: undefined })}, ${steps} steps${entry.runs > 1 ? ` (${label})` : ""}`;
}

export function reportIndexTable(entries: IndexEntry[], options: IndexOptions = {}): HTMLElement {
  const { href = (name) => `./${name}.html`, document = globalThis.document } = options;
  const text = (tag: "td" | "th", value: string, numeric = false) => tableCell(document, tag, value, numeric);
  const table = document.createElement("table");
  table.className = "report-index";
  const head = table.createTHead().insertRow();
  for (const label of ["report", "runs", "training steps", "best setting", "SWD", "floor", "precision", "coverage", "built"]) {
    head.append(text("th", label));
  }
  const body = table.createTBody();
  for (const entry of entries) {
    const row = body.insertRow();
    const title = document.createElement("td");
    const link = document.createElement("a");
    link.href = href(entry.name);
    // "β_T" as β<sub>T</sub>, as on the report's own page; every piece is set as text.
    link.append(...splitSubscripts(entry.title).map(({ text, sub }) => {
      if (!sub) return document.createTextNode(text);
      const element = document.createElement("sub");
      element.textContent = text;
      return element;
    }));
    title.append(link);
    const { swd, floorSwd, precision, coverage } = entry.headline;
    row.append(
      title,
      // Swept settings by their labels ("β end"), as the controls name them, not their keys.
      text("td", entry.sweep ? `${entry.runs} (${entry.sweep.map(settingLabel).join(" × ")})` : String(entry.runs)),
      text("td", entry.trainingSteps.map((s) => s.toLocaleString("en-US")).join(", "), true),
      text("td", setting(entry)),
      text("td", formatSig(swd), true),
      text("td", formatSig(floorSwd), true),
      text("td", formatSig(precision), true),
      text("td", formatSig(coverage), true),
      text("td", entry.date.slice(0, 10)),
    );
  }
  makeSortable(table);
  // Wider than Framework's 640 px text column when it needs to be, scrolling on narrow screens.
  table.style.maxWidth = "none";
  const wrapper = document.createElement("div");
  wrapper.style.overflowX = "auto";
  wrapper.append(table);
  return wrapper;
}

/** Each report's best SWD as a dot, its floor as a tick: the gap is what training and sampling leave. */
export function headlineChart(entries: IndexEntry[], options: { width?: number; document?: Document } = {}): SVGSVGElement | HTMLElement {
  const { width = 640, document = globalThis.document } = options;
  const rows = entries.map((e) => ({ title: e.title, swd: e.headline.swd, floor: e.headline.floorSwd, setting: setting(e) }));
  return Plot.plot({
    document,
    width,
    height: 40 + 36 * rows.length,
    marginLeft: 12,
    marginRight: 20,
    x: { label: "best sliced Wasserstein distance (dot) and floor (tick) ↓", grid: true, zero: true },
    y: { domain: rows.map((r) => r.title), axis: null },
    marks: [
      Plot.ruleY(rows, { y: "title", x1: "floor", x2: "swd", strokeOpacity: 0.4 }),
      Plot.tickX(rows, { y: "title", x: "floor", strokeWidth: 2 }),
      Plot.dot(rows, { y: "title", x: "swd", r: 5, fill: "currentColor", tip: true, title: (r) => `${r.title}\n${r.setting}` }),
      Plot.text(rows, { y: "title", text: "title", frameAnchor: "left", textAnchor: "start", dx: 2, dy: -13, fontSize: 11 }),
    ],
  });
}
