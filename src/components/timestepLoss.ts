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
  /** Live values will come later, by moveLiveLoss: their legend entry is shown now. */
  live?: boolean;
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

export function timestepLossPlot(curve: LossCurveData, options: TimestepLossOptions = {}): (SVGSVGElement | HTMLElement) & Plot.Plot {
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
  const shown = (Object.keys(SERIES) as (keyof typeof SERIES)[])
    .filter((key) => (key !== "heldOut" || buckets.length > 0) && (key !== "blend" || current || options.live));
  const chart = Plot.plot({
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
  if (current) moveLiveLoss(chart, current);
  return chart;
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * Draws the live values at t on a chart from timestepLossPlot (made with `live`), moving them if they are
 * there: a rule at t, the network's dot and the blend's diamond. Moving three marks costs far less than
 * drawing the chart again at every move of the t slider.
 */
export function moveLiveLoss(chart: (SVGSVGElement | HTMLElement) & Plot.Plot, current: LiveLoss): void {
  const document = chart.ownerDocument;
  const svg = chart instanceof document.defaultView!.SVGSVGElement ? chart : chart.querySelector(":scope > svg");
  if (!svg) throw new Error("moveLiveLoss needs a chart made by timestepLossPlot");
  let group = svg.querySelector<SVGGElement>("g.live-loss");
  if (!group) {
    group = document.createElementNS(SVG, "g");
    group.setAttribute("class", "live-loss");
    const [bottom, top] = chart.scale("y")!.range!;
    const rule = document.createElementNS(SVG, "line");
    rule.setAttribute("y1", String(bottom));
    rule.setAttribute("y2", String(top));
    rule.setAttribute("stroke", "currentColor");
    rule.setAttribute("stroke-opacity", "0.3");
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("r", "5");
    dot.setAttribute("fill", SERIES.model.color);
    // Plot's diamond for r = 5: d3's symbolDiamond of area 25π.
    const diamond = document.createElementNS(SVG, "path");
    diamond.setAttribute("d", "M0,-8.24L4.76,0L0,8.24L-4.76,0Z");
    diamond.setAttribute("fill", SERIES.blend.color);
    for (const mark of [dot, diamond]) mark.setAttribute("stroke", "var(--theme-background, white)");
    group.append(rule, dot, diamond);
    svg.append(group);
  }
  const [rule, dot, diamond] = group.children;
  const x = chart.scale("x")!.apply(current.t) as number;
  const y = (v: number) => chart.scale("y")!.apply(Math.max(v, FLOOR)) as number;
  rule.setAttribute("x1", String(x));
  rule.setAttribute("x2", String(x));
  dot.setAttribute("cx", String(x));
  dot.setAttribute("cy", String(y(current.model)));
  diamond.setAttribute("transform", `translate(${x},${y(current.blend)})`);
}
