/**
 * Sample sets side by side: one scatter per set over the faint training data, titled, with its metrics
 * underneath. Every panel has the same frame, so spread and shape compare directly; points outside the
 * frame are clipped and counted in the caption.
 */

import type { Metrics } from "../core/metrics.js";
import { outside } from "./denoisingScatter.js";
import { formatSig } from "./format.js";
import { angles, pointCloud } from "./pointCloud.js";

export type MetricSummaries = { [K in keyof Metrics]: { mean: number; sd: number } };

export interface SamplePanel {
  /** Heading markup (fixed text and computed numbers only). */
  title: string;
  samples: Float64Array;
  metrics: MetricSummaries;
  /** Marks a panel whose sampler starts from the wrong distribution. */
  warning?: boolean;
}

export interface SampleGridOptions {
  /** The data, drawn faintly under every panel. */
  reference: Float64Array;
  columns?: number;
  /** Width of each panel in px. */
  size?: number;
  /** Half-width of every panel's frame. */
  extent?: number;
  document?: Document;
}

/** "0.123 ± 0.0041", or the bare value when there is no spread. */
export function meanSd({ mean, sd }: { mean: number; sd: number }, digits = 3): string {
  return sd > 0 ? `${formatSig(mean, digits)} ± ${formatSig(sd, 2)}` : formatSig(mean, digits);
}

export function sampleGrid(panels: SamplePanel[], options: SampleGridOptions): HTMLElement {
  const { reference, columns = 3, size = 260, extent = 2, document = globalThis.document } = options;
  const grid = document.createElement("div");
  grid.className = "sample-grid";
  grid.style.cssText = `display: grid; grid-template-columns: repeat(${columns}, minmax(0, 1fr)); gap: 1rem;`;
  for (const panel of panels) {
    const figure = document.createElement("figure");
    figure.className = "sample-panel";
    figure.style.cssText = "margin: 0;";
    const heading = document.createElement("h3");
    heading.style.cssText = "margin: 0 0 0.3rem; font-size: 1rem;";
    heading.innerHTML = panel.warning ? `${panel.title} <span title="starts from the wrong distribution">⚠</span>` : panel.title;
    const plot = pointCloud(panel.samples, {
      // Coloured by angle, so the samples stand out from the grey data.
      hue: angles(panel.samples),
      background: reference,
      size,
      extent,
      radius: 1.4,
      ariaDescription: `${panel.samples.length / 2} samples over the training data`,
      document,
    });
    const clipped = outside(panel.samples, extent);
    const caption = document.createElement("figcaption");
    caption.className = "sample-metrics";
    caption.style.cssText = "font-size: 0.85rem; font-variant-numeric: tabular-nums; color: var(--theme-foreground-muted);";
    const m = panel.metrics;
    caption.innerHTML = `SWD ${meanSd(m.swd)}<br>MMD² ${meanSd(m.mmd)}<br>precision ${meanSd(m.precision)}<br>coverage ${
      meanSd(m.coverage)
    }${clipped > 0 ? `<br>${clipped} of ${panel.samples.length / 2} points outside the frame` : ""}`;
    figure.append(heading, plot, caption);
    grid.append(figure);
  }
  return grid;
}
