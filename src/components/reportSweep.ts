/**
 * A sweep's metrics chart: one metric against the swept value, a line per sampler, a panel per step
 * count, each point the mean over the seeds with a ± 1 standard deviation bar, and the floor (the
 * metric between independent draws of the data) as a dashed line.
 *
 * Each panel has its own y axis: a sampler that diverges at few steps (SWD of 10⁵ at 10 steps with the
 * largest β_T) would otherwise flatten the panels where every sampler lies within 0.03 … 0.06.
 */

import * as Plot from "@observablehq/plot";
import { logTickFormat } from "./format.js";

export const SWEEP_METRICS = ["swd", "mmd", "precision", "coverage"] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];
export const SWEEP_METRIC_LABELS: Record<SweepMetric, string> = {
  swd: "sliced Wasserstein distance ↓",
  mmd: "MMD² ↓",
  precision: "precision ↑",
  coverage: "coverage ↑",
};

interface Summary {
  mean: number;
  sd: number;
}

export interface SweepRun {
  /** The run's position on the x axis: its swept value(s), e.g. "0.02" or "cosine". */
  value: string;
  quality: {
    floor: Record<SweepMetric, Summary>;
    rows: { sampler: string; eta?: number; spacing?: string; steps: number; metrics: Record<SweepMetric, Summary> }[];
  };
}

export interface SweepChartOptions {
  metric?: SweepMetric;
  /** The swept field(s), for the x axis label. */
  xLabel?: string;
  samplerLabel?: (row: { sampler: string; eta?: number; spacing?: string }) => string;
  width?: number;
  height?: number;
  document?: Document;
}

/** The sweep's colour legend over a row of panels, one per step count, each with its own y axis. */
export function sweepChart(runs: SweepRun[], options: SweepChartOptions = {}): HTMLElement {
  const {
    metric = "swd",
    xLabel = "swept value",
    samplerLabel = (row) => row.sampler,
    width = 640,
    height = 300,
    document = globalThis.document,
  } = options;
  if (!SWEEP_METRICS.includes(metric)) throw new RangeError(`metric must be one of ${SWEEP_METRICS.join(", ")}, got ${metric}`);
  if (runs.length === 0) throw new RangeError("runs must list at least one run");
  // SWD spans orders of magnitude (a sampler that diverges lands at 10³ and more): log scale, with
  // error bars kept above zero. MMD² (an unbiased estimate, can dip below 0) and the rates stay linear.
  const log = metric === "swd";
  const points = runs.flatMap((run) =>
    run.quality.rows.map((row) => {
      const { mean, sd } = row.metrics[metric];
      const low = log ? Math.max(mean - sd, mean / 10) : mean - sd;
      return { value: run.value, sampler: samplerLabel(row), steps: `${row.steps} steps`, mean, low, high: mean + sd };
    })
  );
  const floors = runs.map((run) => ({ value: run.value, floor: run.quality.floor[metric].mean }));
  const values = runs.map((run) => run.value);
  const stepLabels = [...new Set(points.map((p) => p.steps))];
  const samplers = [...new Set(points.map((p) => p.sampler))];
  const color = { label: "sampler", domain: samplers };
  const chart = document.createElement("div");
  chart.className = "sweep-chart";
  // Plot.legend takes a document like Plot.plot (createContext), though its types do not say so.
  const legend = { document, color };
  chart.append(Plot.legend(legend) as Node);
  const note = document.createElement("p");
  note.className = "muted";
  note.style.cssText = "margin: 0 0 0.5rem; font-size: 12px;";
  note.textContent = "Each panel has its own y axis. Dashed: the floor.";
  chart.append(note);
  const row = document.createElement("div");
  row.style.cssText = "display: flex; flex-wrap: wrap; gap: 0 8px;";
  // As many panels to a row as fit at 200 px or more (one on a phone), filling the width.
  const perRow = Math.max(1, Math.min(stepLabels.length, Math.floor((width + 8) / 208)));
  const panelWidth = Math.floor((width - 8 * (perRow - 1)) / perRow);
  for (const steps of stepLabels) {
    const own = points.filter((p) => p.steps === steps);
    const panel = document.createElement("figure");
    panel.style.cssText = "margin: 0; max-width: none;";
    const caption = document.createElement("figcaption");
    caption.style.cssText = "text-align: center; font: 12px var(--sans-serif, sans-serif);";
    caption.textContent = steps;
    panel.append(caption, Plot.plot({
      document,
      width: panelWidth,
      height,
      marginLeft: 56,
      marginBottom: 40,
      x: { type: "point", domain: values, label: xLabel, padding: 0.4 },
      y: log
        ? { type: "log", label: SWEEP_METRIC_LABELS[metric], grid: true, tickFormat: logTickFormat }
        : { label: SWEEP_METRIC_LABELS[metric], grid: true, zero: metric === "precision" || metric === "coverage" },
      color,
      marks: [
        // The floor: a dashed step through each run's own floor (equal unless the data is swept).
        Plot.lineY(floors, { x: "value", y: "floor", strokeDasharray: "4 3", strokeOpacity: 0.6, curve: "step" }),
        Plot.ruleX(own, { x: "value", y1: "low", y2: "high", stroke: "sampler", strokeOpacity: 0.7 }),
        Plot.line(own, { x: "value", y: "mean", z: "sampler", stroke: "sampler", strokeWidth: 1.2 }),
        Plot.dot(own, { x: "value", y: "mean", fill: "sampler", r: 3, tip: true }),
      ],
    }) as Node);
    row.append(panel);
  }
  chart.append(row);
  return chart;
}
