/**
 * The denoising loss against the timestep: the trained network and the exact oracle on the page's points
 * (computed at build time), the run's own held-out loss per bucket of timesteps, the level of predicting
 * zeros, and the live values at the chosen t. Per coordinate, like the training loss; log scale, since
 * the loss falls by four decades from the first steps to the last.
 */

import * as Plot from "@observablehq/plot";
import { formatSig, logTickFormat } from "./format.js";

export interface LossCurveData {
  /** Paper times t. */
  t: number[];
  model: number[];
  oracle: number[];
  /** The loss of ε̂ = 0 (the mean square of ε). */
  zeros: number;
}

/** Mean loss over the schedule indices [from, to), i.e. the paper's t from + 1 … to. */
export interface LossBucket {
  from: number;
  to: number;
  loss: number;
}

export interface LiveLoss {
  /** Paper t. */
  t: number;
  model: number;
  /** The blended prediction q · oracle. */
  blend: number;
  q: number;
}

export interface TimestepLossOptions {
  buckets?: LossBucket[];
  current?: LiveLoss;
  width?: number;
  height?: number;
  document?: Document;
}

/** Lowest value drawn: the oracle's loss at t = T underflows any useful scale. */
const FLOOR = 1e-6;

export const SERIES = {
  model: { label: "trained network", color: "#4269d0" },
  oracle: { label: "exact oracle", color: "#efb118" },
  heldOut: { label: "network, held-out buckets (run manifest)", color: "#6cc5b0" },
  blend: { label: "q · oracle (live)", color: "#ff725c" },
} as const;

export function timestepLossPlot(curve: LossCurveData, options: TimestepLossOptions = {}): SVGSVGElement | HTMLElement {
  const { buckets = [], current, width = 640, height = 300, document = globalThis.document } = options;
  if (curve.model.length !== curve.t.length || curve.oracle.length !== curve.t.length) {
    throw new RangeError(`curve.model and curve.oracle must have one value per t (${curve.t.length})`);
  }
  const T = Math.max(...curve.t, ...buckets.map((b) => b.to));
  const at = (v: number) => Math.max(v, FLOOR);
  const line = (values: number[], series: keyof typeof SERIES) =>
    Plot.line(curve.t, { x: (t: number) => t, y: (_: number, i: number) => at(values[i]), stroke: () => SERIES[series].label, strokeWidth: 1.8 });
  const marks: Plot.Markish[] = [
    Plot.ruleY([at(curve.zeros)], { stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.6 }),
    Plot.text([at(curve.zeros)], {
      x: T,
      y: (v: number) => v,
      text: () => `ε̂ = 0: ${formatSig(curve.zeros, 3)}`,
      textAnchor: "end",
      dy: -6,
      fill: "currentColor",
    }),
    line(curve.oracle, "oracle"),
    line(curve.model, "model"),
  ];
  if (buckets.length > 0) {
    // One horizontal segment per bucket, at its paper times from + 1 … to.
    marks.push(Plot.ruleY(buckets, {
      y: (b: LossBucket) => at(b.loss),
      x1: (b: LossBucket) => b.from + 1,
      x2: (b: LossBucket) => b.to,
      stroke: () => SERIES.heldOut.label,
      strokeWidth: 3,
      strokeOpacity: 0.8,
    }));
  }
  if (current) {
    marks.push(
      Plot.ruleX([current.t], { stroke: "currentColor", strokeOpacity: 0.3 }),
      Plot.dot([current], { x: "t", y: (d: LiveLoss) => at(d.model), r: 5, fill: () => SERIES.model.label, stroke: "var(--theme-background, white)" }),
      Plot.dot([current], { x: "t", y: (d: LiveLoss) => at(d.blend), r: 5, symbol: "diamond", fill: () => SERIES.blend.label, stroke: "var(--theme-background, white)" }),
    );
  }
  const shown = (Object.keys(SERIES) as (keyof typeof SERIES)[])
    .filter((key) => (key !== "heldOut" || buckets.length > 0) && (key !== "blend" || current));
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: 52,
    x: { domain: [0, T], label: "t" },
    y: {
      type: "log",
      domain: [FLOOR, 2],
      label: "loss: mean (ε̂ − ε)² per coordinate",
      ticks: [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1],
      tickFormat: logTickFormat,
    },
    color: {
      legend: true,
      domain: shown.map((key) => SERIES[key].label),
      range: shown.map((key) => SERIES[key].color),
    },
    marks,
  });
}
