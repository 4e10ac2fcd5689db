/**
 * Sample quality against the number of sampling steps, one line per sampler: the mean over seeds with a
 * ±1 standard deviation bar, on a log step axis, over the floor (the same metric between the training
 * set and fresh draws of as many points, mean ± sd as a band): a sampler cannot do better than the floor.
 */

import * as Plot from "@observablehq/plot";
import { SAMPLER_NAMES, samplerLabel } from "../core/settings.js";
import { logTickFormat } from "./format.js";

export const QUALITY_METRICS = ["swd", "mmd", "precision", "coverage"] as const;
export type QualityMetric = (typeof QUALITY_METRICS)[number];

export const METRIC_LABELS: Record<QualityMetric, string> = {
  swd: "Sliced Wasserstein distance",
  mmd: "MMD²",
  precision: "Precision",
  coverage: "Coverage",
};

/** Which way is better, for the axis label. */
const BETTER: Record<QualityMetric, string> = { swd: "↓ lower is better", mmd: "↓ lower is better", precision: "↑ higher is better", coverage: "↑ higher is better" };

/** The chart's samplers as the registry labels them; its DDIM runs are deterministic. */
export const SAMPLER_LABELS: Record<string, string> = Object.fromEntries(
  SAMPLER_NAMES.map((sampler) => [sampler, samplerLabel(sampler === "ddim" ? { sampler, eta: 0 } : { sampler })]),
);

interface Summary {
  mean: number;
  sd: number;
}

export interface QualityData {
  n: number;
  seeds: number[];
  floor: Record<QualityMetric, Summary>;
  rows: { sampler: string; steps: number; metrics: Record<QualityMetric, Summary> }[];
}

export interface QualityChartOptions {
  metric: QualityMetric;
  width?: number;
  height?: number;
  /** Log y axis (for SWD and MMD², which span decades). */
  logY?: boolean;
  document?: Document;
}

export function qualityChart(data: QualityData, options: QualityChartOptions): SVGSVGElement | HTMLElement {
  const { metric, width = 640, height = 360, document = globalThis.document } = options;
  if (!QUALITY_METRICS.includes(metric)) throw new RangeError(`metric must be one of ${QUALITY_METRICS.join(", ")}, got ${metric}`);
  const logY = options.logY ?? (metric === "swd" || metric === "mmd");
  const rows = data.rows.map((row) => ({
    sampler: SAMPLER_LABELS[row.sampler] ?? row.sampler,
    steps: row.steps,
    mean: row.metrics[metric].mean,
    // A log axis cannot show 0 or below: clip the bar's low end at a tenth of the mean.
    low: logY ? Math.max(row.metrics[metric].mean - row.metrics[metric].sd, row.metrics[metric].mean / 10) : row.metrics[metric].mean - row.metrics[metric].sd,
    high: row.metrics[metric].mean + row.metrics[metric].sd,
  }));
  const floor = data.floor[metric];
  const steps = rows.map((row) => row.steps);
  const [minSteps, maxSteps] = [Math.min(...steps), Math.max(...steps)];
  const floorLow = logY ? Math.max(floor.mean - floor.sd, floor.mean / 10) : floor.mean - floor.sd;
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: 56,
    marginRight: 20,
    x: { type: "log", label: "sampling steps →", domain: [minSteps, maxSteps], tickFormat: logTickFormat },
    y: { type: logY ? "log" : "linear", label: `${METRIC_LABELS[metric]} (${BETTER[metric]})`, grid: true, ...(logY ? { tickFormat: logTickFormat } : { domain: [0, 1] }) },
    color: { legend: true, domain: [...new Set(rows.map((row) => row.sampler))] },
    marks: [
      Plot.rectY([floor], { x1: minSteps, x2: maxSteps, y1: floorLow, y2: floor.mean + floor.sd, fill: "currentColor", fillOpacity: 0.08 }),
      Plot.ruleY([floor.mean], { stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.6 }),
      Plot.text([floor.mean], {
        x: maxSteps,
        y: (d: number) => d,
        text: () => `floor: fresh data, n = ${data.n}`,
        textAnchor: "end",
        dy: metric === "precision" || metric === "coverage" ? 10 : -8,
        fillOpacity: 0.7,
      }),
      Plot.ruleX(rows, { x: "steps", y1: "low", y2: "high", stroke: "sampler", strokeOpacity: 0.6 }),
      Plot.line(rows, { x: "steps", y: "mean", stroke: "sampler", z: "sampler", strokeWidth: 1.5 }),
      Plot.dot(rows, {
        x: "steps",
        y: "mean",
        fill: "sampler",
        r: 3,
        tip: true,
        title: (d: (typeof rows)[number]) => `${d.sampler}, ${d.steps} step${d.steps === 1 ? "" : "s"}\n${METRIC_LABELS[metric]} ${d.mean.toPrecision(3)}`,
      }),
    ],
  });
}
