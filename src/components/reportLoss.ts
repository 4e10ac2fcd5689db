/**
 * A report's training loss curves: the mean training loss over each logging interval against the
 * step, one line per run, on a log scale (the loss falls by an order of magnitude in the first
 * hundreds of steps, then creeps).
 */

import * as Plot from "@observablehq/plot";
import { logTickFormat } from "./format.js";

export interface LossSeries {
  label: string;
  lossHistory: { steps: number[]; loss: number[] };
}

export interface LossCurvesOptions {
  width?: number;
  height?: number;
  /** Name of what tells the runs apart, for the colour legend. */
  legendLabel?: string;
  document?: Document;
}

export function lossCurves(series: LossSeries[], options: LossCurvesOptions = {}): SVGSVGElement | HTMLElement {
  const { width = 640, height = 280, legendLabel = "run", document = globalThis.document } = options;
  if (series.length === 0) throw new RangeError("series must list at least one run");
  const rows = series.flatMap(({ label, lossHistory }) =>
    lossHistory.steps.map((step, i) => ({ label, step, loss: lossHistory.loss[i] }))
      .filter((row) => row.loss > 0 && Number.isFinite(row.loss))
  );
  const several = series.length > 1;
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: 52,
    x: { label: "training step", grid: true },
    // "~g" keeps log ticks readable ("0.3", not Plot's SI "300m").
    y: { type: "log", label: "training loss (mean (ε̂ − ε)²)", grid: true, tickFormat: logTickFormat },
    color: several ? { legend: true, label: legendLabel, domain: series.map((s) => s.label), type: "categorical" } : undefined,
    marks: [
      Plot.lineY(rows, {
        x: "step",
        y: "loss",
        z: "label",
        stroke: several ? "label" : "currentColor",
        strokeWidth: 1.2,
        tip: true,
      }),
    ],
  });
}
