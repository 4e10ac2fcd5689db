/**
 * Noise schedules overlaid on a common time axis u = t / T, so schedules with different T compare:
 * β_t (log scale), ᾱ_t, the coefficients √ᾱ_t and √(1 − ᾱ_t) of x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, and ln SNR_t.
 * Each series gets one colour, with a legend.
 */

import * as Plot from "@observablehq/plot";
import type { Schedule } from "../core/schedule.js";
import { logTickFormat } from "./format.js";

export interface ScheduleSeries {
  label: string;
  schedule: Schedule;
  /** A fixed colour, so a series keeps it when others are hidden (default: Plot's categorical scheme). */
  color?: string;
}

export interface SchedulePlotOptions {
  width?: number;
  height?: number;
  document?: Document;
}

/** At most this many points per curve (T can be 100,000; a plot is under 1,000 px wide). */
const MAX_POINTS = 1000;
/** Short schedules also get a dot per step, so T = 10 reads as ten steps, not a smooth curve. */
const DOTS_UP_TO = 60;

interface Row {
  label: string;
  /** t / T */
  u: number;
  value: number;
}

/** Schedule indices to draw: every one up to MAX_POINTS, else an even stride that keeps the last. */
export function sampledIndices(T: number, maxPoints = MAX_POINTS): number[] {
  const stride = Math.max(1, Math.ceil(T / maxPoints));
  const indices: number[] = [];
  for (let i = 0; i < T; i += stride) indices.push(i);
  if (indices[indices.length - 1] !== T - 1) indices.push(T - 1);
  return indices;
}

/** One row per drawn step of each series; `atZero` adds the value at t = 0 (the clean data), if it is finite. */
function rows(series: ScheduleSeries[], value: (s: Schedule, i: number) => number, atZero?: number): Row[] {
  const out: Row[] = [];
  for (const { label, schedule } of series) {
    if (atZero !== undefined) out.push({ label, u: 0, value: atZero });
    for (const i of sampledIndices(schedule.T)) out.push({ label, u: (i + 1) / schedule.T, value: value(schedule, i) });
  }
  return out;
}

function curvePlot(
  series: ScheduleSeries[],
  data: Row[][],
  options: SchedulePlotOptions & { title: string; y: Plot.ScaleOptions; dashed?: boolean[]; extra?: Plot.Markish[] },
): SVGSVGElement | HTMLElement {
  const { width = 400, height = 260, document = globalThis.document, title, y, dashed = [], extra = [] } = options;
  const short = new Set(series.filter((s) => s.schedule.T <= DOTS_UP_TO).map((s) => s.label));
  const marks: Plot.Markish[] = [...extra];
  data.forEach((rowsOfCurve, k) => {
    marks.push(
      Plot.line(rowsOfCurve, { x: "u", y: "value", z: "label", stroke: "label", strokeWidth: 2, strokeDasharray: dashed[k] ? "5,4" : undefined }),
      Plot.dot(rowsOfCurve.filter((d) => short.has(d.label)), { x: "u", y: "value", stroke: "label", r: 2.5, fill: "var(--theme-background)" }),
    );
  });
  marks.push(Plot.tip(data.flat(), Plot.pointerX({ x: "u", y: "value", stroke: "label", title: (d: Row) => `${d.label}\nt/T = ${d.u.toFixed(3)}\n${y.label ?? ""} = ${d.value.toPrecision(4)}` })));
  return Plot.plot({
    document,
    title,
    width,
    height,
    marginLeft: 56,
    x: { label: "t / T", domain: [0, 1] },
    y: { grid: true, ...y },
    color: {
      legend: true,
      domain: series.map((s) => s.label),
      ...(series.every((s) => s.color) ? { range: series.map((s) => s.color!) } : {}),
    },
    marks,
  });
}

/** β_t on a log scale: the linear schedule's 10⁻⁴ … 0.02 and the cosine's 0.999 at the end both show. */
export function betaPlot(series: ScheduleSeries[], options: SchedulePlotOptions = {}): SVGSVGElement | HTMLElement {
  return curvePlot(series, [rows(series, (s, i) => s.betas[i])], {
    ...options,
    title: "Noise added per step, βₜ",
    y: { type: "log", label: "βₜ", tickFormat: logTickFormat },
  });
}

/** ᾱ_t from 1 (t = 0) towards 0: the share of the data's variance left in x_t. */
export function alphaBarPlot(series: ScheduleSeries[], options: SchedulePlotOptions = {}): SVGSVGElement | HTMLElement {
  return curvePlot(series, [rows(series, (s, i) => s.alphaBars[i], 1)], {
    ...options,
    title: "Signal variance kept, ᾱₜ",
    y: { label: "ᾱₜ", domain: [0, 1] },
  });
}

/** √ᾱ_t (solid) and √(1 − ᾱ_t) (dashed); they cross where SNR_t = 1. */
export function coefficientPlot(series: ScheduleSeries[], options: SchedulePlotOptions = {}): SVGSVGElement | HTMLElement {
  return curvePlot(series, [rows(series, (s, i) => s.sqrtAlphaBars[i], 1), rows(series, (s, i) => s.sqrtOneMinusAlphaBars[i], 0)], {
    ...options,
    title: "Signal √ᾱₜ (solid) and noise √(1−ᾱₜ) (dashed) coefficients",
    y: { label: "coefficient", domain: [0, 1] },
    dashed: [false, true],
  });
}

/** ln SNR_t = ln(ᾱ_t / (1 − ᾱ_t)), with the line SNR = 1. */
export function logSnrPlot(series: ScheduleSeries[], options: SchedulePlotOptions = {}): SVGSVGElement | HTMLElement {
  return curvePlot(series, [rows(series, (s, i) => s.logSnr[i])], {
    ...options,
    title: "Log signal-to-noise ratio, ln SNRₜ",
    y: { label: "ln SNRₜ" },
    extra: [Plot.ruleY([0], { strokeOpacity: 0.5 }), Plot.text([{ u: 1, value: 0 }], { x: "u", y: "value", text: () => "SNR = 1", textAnchor: "end", dy: -7, fillOpacity: 0.7 })],
  });
}
