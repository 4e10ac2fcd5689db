/**
 * The live loss curve of a training run: the mean training loss between progress reports as a line,
 * and the held-out loss at each checkpoint as dots, on a log scale over the whole run's steps (the
 * line grows to the right as training goes). Both are mean squared errors of the network's output
 * against its target; the held-out set is fixed for the run, so its dots compare across checkpoints.
 * The figure is a bare SVG of a fixed height (the legend is the caller's, see LOSS_COLORS), so that a
 * container of that height can redraw it without the rest of the page moving.
 */
import * as Plot from "@observablehq/plot";
import { logTickFormat } from "./format.js";

export interface LossPoint {
  step: number;
  loss: number;
}

export interface LossCurveOptions {
  /** Steps of the whole run: the x axis spans 0 … steps from the start. */
  steps: number;
  /** Point i is the mean training loss over the steps (train[i − 1].step, train[i].step]. */
  train: readonly LossPoint[];
  /** Held-out loss at each checkpoint. */
  heldOut: readonly LossPoint[];
  width?: number;
  height?: number;
  document?: Document;
}

/** The two series' colours, readable in light and dark mode, for a legend beside the figure. */
export const LOSS_COLORS = { train: "currentColor", heldOut: "var(--theme-foreground-focus)" } as const;
export const LOSS_CURVE_HEIGHT = 260;

/**
 * Halves a loss trace that has grown past `max` points by merging neighbours in pairs. Each merged
 * point keeps the end step of its pair and the step-weighted mean of the two, so it is still the
 * exact mean over its (longer) window.
 */
export function thinLoss(points: readonly LossPoint[], max: number): LossPoint[] {
  if (!Number.isInteger(max) || max < 2) throw new RangeError(`max must be an integer ≥ 2, got ${max}`);
  if (points.length <= max) return [...points];
  const out: LossPoint[] = [];
  for (let i = 0; i < points.length; i += 2) {
    if (i + 1 === points.length) {
      out.push(points[i]);
      break;
    }
    const start = i === 0 ? 0 : points[i - 1].step;
    const a = points[i].step - start;
    const b = points[i + 1].step - points[i].step;
    out.push({ step: points[i + 1].step, loss: (a * points[i].loss + b * points[i + 1].loss) / (a + b) });
  }
  return out;
}

const drawable = (points: readonly LossPoint[]) => points.filter((p) => Number.isFinite(p.loss) && p.loss > 0);

export function trainLossCurve(options: LossCurveOptions): SVGSVGElement {
  const { steps, width = 640, height = LOSS_CURVE_HEIGHT, document = globalThis.document } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const train = drawable(options.train);
  const heldOut = drawable(options.heldOut);
  const empty = train.length === 0 && heldOut.length === 0;
  return Plot.plot({
    document,
    width: Math.max(width, 240),
    height,
    marginLeft: 50,
    ariaLabel: "Loss curve",
    ariaDescription: empty
      ? "No loss yet: the curve is drawn once training starts."
      : `Training loss over ${train.length} reports and held-out loss at ${heldOut.length} checkpoints, on a log scale.`,
    x: { domain: [0, steps], label: "training step", grid: true },
    y: { type: "log", label: "loss (mean squared error)", grid: true, tickFormat: logTickFormat, ...(empty && { domain: [0.1, 1] }) },
    marks: [
      Plot.lineY(train, { x: "step", y: "loss", stroke: LOSS_COLORS.train, strokeWidth: 1.25, strokeOpacity: 0.8 }),
      Plot.line(heldOut, { x: "step", y: "loss", stroke: LOSS_COLORS.heldOut, strokeDasharray: "3 3" }),
      Plot.dot(heldOut, { x: "step", y: "loss", fill: LOSS_COLORS.heldOut, r: 3.5 }),
      ...(empty ? [Plot.text(["No loss yet: press Train."], { frameAnchor: "middle", fontSize: 13 })] : []),
    ],
  }) as SVGSVGElement;
}
