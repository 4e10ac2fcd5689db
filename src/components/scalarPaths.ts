/**
 * One number through the forward process: x_0 = 1 pushed step by step, x_t = √(1 − β_t) x_{t−1} + √β_t ε_t,
 * along several seeded paths, against the exact law q(x_t | x_0) = N(√ᾱ_t x_0, 1 − ᾱ_t): its mean and
 * the band mean ± 2σ with σ = √(1 − ᾱ_t), which holds about 95% of paths at every t.
 */

import * as Plot from "@observablehq/plot";
import { forwardChain } from "../core/forward.js";
import { Rng } from "../core/random.js";
import type { Schedule } from "../core/schedule.js";
import { sampledIndices } from "./schedulePlots.js";

export const MAX_PATHS = 50;

export interface ScalarPathOptions {
  /** Number of paths, 1 … MAX_PATHS (default 8). */
  paths?: number;
  seed?: number;
  /** The starting value (default 1). */
  x0?: number;
  /** Paper times (1 … T) that must be among the recorded ones, e.g. for a table. */
  times?: number[];
  /** About this many recorded times besides `times` (default 600). */
  maxPoints?: number;
}

export interface ScalarPaths {
  x0: number;
  /** Recorded paper times, ascending, starting at 0 (x_0 itself). */
  t: number[];
  /** paths[p][k]: path p at time t[k]. */
  paths: Float64Array[];
  /** √ᾱ_t x_0 at each recorded time. */
  mean: Float64Array;
  /** √(1 − ᾱ_t) at each recorded time. */
  sd: Float64Array;
}

export function scalarPaths(schedule: Schedule, options: ScalarPathOptions = {}): ScalarPaths {
  const { paths = 8, seed = 0, x0 = 1, times = [], maxPoints = 600 } = options;
  if (!Number.isInteger(paths) || paths < 1 || paths > MAX_PATHS) {
    throw new RangeError(`paths must be an integer from 1 to ${MAX_PATHS}, got ${paths}`);
  }
  if (!Number.isFinite(x0)) throw new RangeError(`x0 must be a finite number, got ${x0}`);
  for (const t of times) {
    if (!Number.isInteger(t) || t < 1 || t > schedule.T) throw new RangeError(`times must be integers from 1 to ${schedule.T}, got ${t}`);
  }
  // The chain works on interleaved 2D points; each coordinate is an independent scalar path.
  const start = new Float64Array(2 * Math.ceil(paths / 2)).fill(x0);
  const indices = [...new Set([-1, ...sampledIndices(schedule.T, maxPoints), ...times.map((t) => t - 1)])].sort((a, b) => a - b);
  const chain = forwardChain(schedule, start, new Rng(seed), { record: indices });
  const t = indices.map((i) => i + 1);
  const out = Array.from({ length: paths }, () => new Float64Array(t.length));
  indices.forEach((index, k) => {
    const x = chain.get(index)!;
    for (let p = 0; p < paths; p++) out[p][k] = x[p];
  });
  const mean = Float64Array.from(indices, (i) => (i < 0 ? 1 : schedule.sqrtAlphaBars[i]) * x0);
  const sd = Float64Array.from(indices, (i) => (i < 0 ? 0 : schedule.sqrtOneMinusAlphaBars[i]));
  return { x0, t, paths: out, mean, sd };
}

export interface ScalarPathsPlotOptions {
  width?: number;
  height?: number;
  document?: Document;
}

export function scalarPathsPlot(data: ScalarPaths, options: ScalarPathsPlotOptions = {}): SVGSVGElement | HTMLElement {
  const { width = 640, height = 320, document = globalThis.document } = options;
  const { t, mean, sd } = data;
  const band = t.map((tk, k) => ({ t: tk, low: mean[k] - 2 * sd[k], high: mean[k] + 2 * sd[k], mean: mean[k] }));
  const lines = data.paths.flatMap((path, p) => Array.from(path, (value, k) => ({ path: p + 1, t: t[k], value })));
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: 44,
    x: { label: "t", domain: [0, t[t.length - 1]] },
    y: { label: "xₜ", grid: true },
    marks: [
      Plot.areaY(band, { x: "t", y1: "low", y2: "high", fill: "var(--theme-foreground-focus)", fillOpacity: 0.15 }),
      Plot.line(band, { x: "t", y: "low", stroke: "var(--theme-foreground-focus)", strokeOpacity: 0.6, strokeDasharray: "3,3" }),
      Plot.line(band, { x: "t", y: "high", stroke: "var(--theme-foreground-focus)", strokeOpacity: 0.6, strokeDasharray: "3,3" }),
      Plot.ruleY([0], { strokeOpacity: 0.3 }),
      Plot.line(lines, { x: "t", y: "value", z: "path", stroke: "currentColor", strokeOpacity: 0.55, strokeWidth: 1 }),
      Plot.line(band, { x: "t", y: "mean", stroke: "var(--theme-foreground-focus)", strokeWidth: 2.5 }),
      Plot.tip(lines, Plot.pointer({ x: "t", y: "value", title: (d: { path: number; t: number; value: number }) => `path ${d.path}\nt = ${d.t}\nx = ${d.value.toFixed(4)}` })),
    ],
  });
}
