/**
 * The Train page's preview: the training data as a faint Plot scatter, drawn once per run, and the
 * network's latest samples on a canvas laid over it. A new checkpoint repaints only the canvas (a few
 * hundred dots, about a millisecond), so previews never hold up the page's main thread. The canvas uses
 * the figure's own x and y scales, so the two layers line up exactly.
 */
import * as Plot from "@observablehq/plot";
import { columns } from "./pointCloud.js";

export interface TrainPreviewOptions {
  /** Width and height of the square plot, px. */
  size?: number;
  /** Half-width of the domain: the data lies within about ±1.6, N(0, I) draws within ±3.5. */
  extent?: number;
  document?: Document;
}

export type TrainPreview = HTMLElement & {
  /** Draws these samples over the data (interleaved points); none clears the layer. */
  showSamples(samples?: Float64Array): void;
};

const SAMPLE_RADIUS = 2;

export function trainPreview(data: Float64Array, options: TrainPreviewOptions = {}): TrainPreview {
  const { size = 320, extent = 3.5, document = globalThis.document } = options;
  const { x, y } = columns(data);
  const domain = [-extent, extent];
  const figure = Plot.plot({
    document,
    width: size,
    height: size,
    margin: 36,
    marginLeft: 40,
    x: { domain, label: "x", ticks: 7 },
    y: { domain, label: "y", ticks: 7 },
    clip: true,
    ariaDescription: `The training data, ${x.length} points, under the network's samples`,
    marks: [
      Plot.ruleX([0], { strokeOpacity: 0.2 }),
      Plot.ruleY([0], { strokeOpacity: 0.2 }),
      Plot.dot({ length: x.length }, { x, y, r: 1.3, fill: "currentColor", fillOpacity: 0.15 }),
    ],
  });
  const root = document.createElement("div") as unknown as TrainPreview;
  root.className = "train-preview-plot";
  // A fixed, contained box: repainting the samples never lays out the page around it.
  root.style.cssText = `position: relative; width: ${size}px; height: ${size}px; contain: strict;`;
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "No samples yet");
  canvas.style.cssText = `position: absolute; inset: 0; width: ${size}px; height: ${size}px; pointer-events: none;`;
  root.append(figure, canvas);

  const sx = figure.scale("x")!;
  const sy = figure.scale("y")!;
  root.showSamples = (samples?: Float64Array) => {
    const ratio = document.defaultView?.devicePixelRatio ?? 1;
    canvas.width = Math.round(size * ratio);
    canvas.height = Math.round(size * ratio);
    canvas.setAttribute("aria-label", samples ? `${samples.length / 2} samples of the network` : "No samples yet");
    // Setting the size has cleared the canvas.
    if (!samples) return;
    const context = canvas.getContext("2d");
    if (!context) return;
    context.scale(ratio, ratio);
    // The page's text colour, so the dots read in light and dark mode alike.
    context.fillStyle = document.defaultView?.getComputedStyle(canvas).color || "black";
    // Only the plot area: samples far outside it are not drawn over the axes.
    const [left, right] = sx.range as [number, number];
    const [bottom, top] = sy.range as [number, number];
    context.beginPath();
    context.rect(left, top, right - left, bottom - top);
    context.clip();
    context.beginPath();
    for (let i = 0; i < samples.length; i += 2) {
      const px = sx.apply(samples[i]) as number;
      const py = sy.apply(samples[i + 1]) as number;
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      context.moveTo(px + SAMPLE_RADIUS, py);
      context.arc(px, py, SAMPLE_RADIUS, 0, 2 * Math.PI);
    }
    context.fill();
  };
  return root;
}
