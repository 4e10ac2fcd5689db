/**
 * A field as arrows on a grid (src/core/arrowGrid.ts), over the faint training data, with the sampled
 * points and, to compare, the exact field of the data in another colour beneath: what the Fields page
 * draws at each frame. The square is fixed (±grid.extent), so frames compare as the animation plays;
 * points outside it are clipped.
 *
 * The panel is made once and redrawn in place (canvasPanel.ts): fixed Plot axes over a canvas holding
 * the data, the points and the arrows. Rebuilding 578 arrows and a thousand dots as SVG took the browser
 * 60 to 350 ms a frame; repainting the canvas takes a few.
 */

import * as Plot from "@observablehq/plot";
import type { ArrowGrid, ArrowLayout } from "../core/arrowGrid.js";
import { canvasPanel, type CanvasPanel } from "./canvasPanel.js";
import { type DotContext, type LineStyle, type PlotArea, themeColours, toPixels } from "./dotCanvas.js";

/** The sampled points' colour: apart from the arrows and the data, which take the text colour. */
export const SAMPLE_COLOR = "#e8590c";
/** The exact field's arrows. */
export const EXACT_COLOR = "#1c7ed6";

export interface FieldDrawing {
  /** The arrows at grid.points, from arrowLayout. */
  layout: ArrowLayout;
  /** The exact field's arrows at the same points, drawn beneath (laid out to the same reference to compare lengths). */
  exact?: ArrowLayout;
  /** The sampled points, interleaved. */
  samples?: ArrayLike<number>;
  ariaDescription?: string;
}

export interface FieldPanelOptions {
  grid: ArrowGrid;
  /** The training data, drawn faintly underneath (fixed for the panel's life). */
  data?: ArrayLike<number>;
  /** The panel fills its container's width up to this many px. */
  maxSize?: number;
  /** The size where the container cannot be measured (no ResizeObserver, as under jsdom). */
  size?: number;
  document?: Document;
}

export type FieldPanel = CanvasPanel<FieldDrawing>;

/** Blank space around the square: room for the tick labels on the left and below. */
const MARGIN = { top: 8, right: 8, bottom: 28, left: 32 };
/** An arrowhead's wings: this share of the arrow's length (at most HEAD_MAX px), this far off its line. */
const HEAD_SHARE = 0.3;
const HEAD_MAX = 5;
const HEAD_ANGLE = Math.PI / 7;

/** The panel's axes: the frame and plain-number ticks of the square ±extent, no data. */
export function fieldAxes(size: number, extent: number, document: Document): SVGSVGElement {
  const domain = [-extent, extent];
  return Plot.plot({
    document,
    width: size,
    height: size,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginLeft: MARGIN.left,
    x: { domain, label: null, ticks: 7 },
    y: { domain, label: null, ticks: 7 },
    marks: [Plot.frame({ strokeOpacity: 0.3 })],
  }) as SVGSVGElement;
}

/**
 * Each arrow of `layout` centred on its grid point, drawn as a line with an arrowhead at its tip: lengths
 * in data units, angles clockwise from up (arrowLayout's). Zero-length arrows are not drawn.
 */
export function drawArrows(context: DotContext, area: PlotArea, points: ArrayLike<number>, layout: ArrowLayout, style: LineStyle): void {
  const { x, y } = toPixels(area);
  const pixelsPerUnit = area.width / (2 * area.extent);
  context.globalAlpha = style.opacity;
  context.strokeStyle = style.stroke;
  context.lineWidth = style.width;
  context.beginPath();
  for (let i = 0; i < layout.length.length; i++) {
    const half = (layout.length[i] * pixelsPerUnit) / 2;
    if (!(half > 0)) continue;
    const angle = (layout.angle[i] * Math.PI) / 180;
    // Clockwise from up on a screen whose y grows downwards.
    const [dx, dy] = [Math.sin(angle), -Math.cos(angle)];
    const [cx, cy] = [x(points[2 * i]), y(points[2 * i + 1])];
    const [tipX, tipY] = [cx + dx * half, cy + dy * half];
    context.moveTo(cx - dx * half, cy - dy * half);
    context.lineTo(tipX, tipY);
    const head = Math.min(HEAD_SHARE * 2 * half, HEAD_MAX);
    for (const turn of [HEAD_ANGLE, -HEAD_ANGLE]) {
      const [c, s] = [Math.cos(turn), Math.sin(turn)];
      context.moveTo(tipX - head * (dx * c - dy * s), tipY - head * (dx * s + dy * c));
      context.lineTo(tipX, tipY);
    }
  }
  context.stroke();
  context.globalAlpha = 1;
}

export function fieldPanel(options: FieldPanelOptions): FieldPanel {
  const { grid, data, maxSize = 520, document = globalThis.document } = options;
  if (data && data.length % 2 !== 0) throw new RangeError(`data must have an even length, got ${data.length}`);
  const arrows = grid.count * grid.count;
  return canvasPanel<FieldDrawing>({
    axes: (size) => fieldAxes(size, grid.extent, document),
    margin: MARGIN,
    extent: grid.extent,
    maxSize,
    minSize: 160,
    size: options.size ?? 480,
    background: data && { points: data, radius: 0.8, opacity: 0.15 },
    check: ({ layout, exact, samples }) => {
      for (const [name, drawn] of [["layout", layout], ["exact", exact]] as const) {
        if (drawn && drawn.length.length !== arrows) throw new RangeError(`${name} must have one arrow per grid point (${arrows}), got ${drawn.length.length}`);
      }
      if (samples && samples.length % 2 !== 0) throw new RangeError(`samples must have an even length, got ${samples.length}`);
    },
    dots: ({ samples }) => samples ? [{ points: samples, style: { radius: 2.2, fill: SAMPLE_COLOR, opacity: 0.85 } }] : [],
    // The arrows over the points: the field is the subject, and the points show through the thin lines.
    overlay: (context, area, { layout, exact }) => {
      if (exact) drawArrows(context, area, grid.points, exact, { stroke: EXACT_COLOR, opacity: 0.8, width: 2.4 });
      drawArrows(context, area, grid.points, layout, { stroke: themeColours(document).text, opacity: 0.7, width: 1.2 });
    },
    describe: (drawing) => drawing.ariaDescription,
    className: "field-picture-panel",
    document,
  });
}
