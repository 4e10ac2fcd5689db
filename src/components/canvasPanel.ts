/**
 * A square panel made once and redrawn in place: fixed Plot axes (an SVG, rebuilt only when the panel's
 * width changes) over a canvas that `draw` repaints. It fills its container's width up to `maxSize`.
 * A redraw writes the dots into a pixel buffer that starts as a copy of the faint background (drawn once
 * per size: it never moves), puts it on the canvas in one call, and draws the few lines over it.
 * Redrawing in place keeps the page's layout and layers as they are: only the canvas's pixels change.
 */

import { canvasUnderAxes, type DotContext, type DotStyle, type PlotArea, stampDots, themeColours } from "./dotCanvas.js";

export interface CanvasPanelOptions<Drawing> {
  /** The axes at a size (px). */
  axes: (size: number) => SVGSVGElement;
  /** The plot area's margins inside the axes. */
  margin: { left: number; right: number; top: number; bottom: number };
  extent: number;
  maxSize: number;
  minSize: number;
  /** The size where the container cannot be measured (no ResizeObserver, as under jsdom). */
  size: number;
  background?: { points: ArrayLike<number>; radius: number; opacity: number };
  /** Checks a drawing before it is kept (throws on bad input, whether or not there is a canvas). */
  check: (drawing: Drawing) => void;
  /** The dots of a drawing, written in this order over the background. */
  dots: (drawing: Drawing) => { points: ArrayLike<number>; style: DotStyle }[];
  /** Lines and rings drawn over the dots. */
  overlay: (context: DotContext, area: PlotArea, drawing: Drawing) => void;
  /** The figure's description for a drawing. */
  describe: (drawing: Drawing) => string | undefined;
  className: string;
  document: Document;
}

export type CanvasPanel<Drawing> = HTMLElement & { draw(drawing: Drawing): void };

export function canvasPanel<Drawing>(options: CanvasPanelOptions<Drawing>): CanvasPanel<Drawing> {
  const { margin, extent, maxSize, minSize, background, check, dots, overlay, describe, document } = options;
  const holder = document.createElement("div") as unknown as CanvasPanel<Drawing>;
  holder.className = options.className;
  let size = 0;
  let axes: SVGSVGElement | undefined;
  let context: CanvasRenderingContext2D | undefined;
  let area: PlotArea | undefined;
  let density = 1;
  // The background's pixels, and the buffer each redraw fills.
  let underlay: ImageData | undefined;
  let pixels: ImageData | undefined;
  let last: Drawing | undefined;

  const repaint = (drawing: Drawing) => {
    const description = describe(drawing);
    if (description) axes?.setAttribute("aria-description", description);
    if (!context || !area || !underlay || !pixels) return;
    pixels.data.set(underlay.data);
    for (const { points, style } of dots(drawing)) stampDots(pixels, density, area, points, style);
    context.putImageData(pixels, 0, 0);
    overlay(context, area, drawing);
  };
  const layout = (width: number) => {
    const next = Math.round(Math.max(Math.min(width, maxSize), minSize));
    if (next === size) return;
    size = next;
    axes = options.axes(size);
    area = { width: size - margin.left - margin.right, height: size - margin.top - margin.bottom, extent };
    const made = canvasUnderAxes(axes, { width: size, height: size }, { left: margin.left, top: margin.top, ...area }, document);
    context = made.context;
    density = made.density;
    if (context) {
      underlay = context.createImageData(made.canvas.width, made.canvas.height);
      pixels = context.createImageData(made.canvas.width, made.canvas.height);
      if (background) stampDots(underlay, density, area, background.points, { ...background, fill: themeColours(document).text });
    }
    holder.replaceChildren(made.figure);
    if (last !== undefined) repaint(last);
  };

  holder.draw = (drawing) => {
    check(drawing);
    last = drawing;
    repaint(drawing);
  };
  const Observer = document.defaultView?.ResizeObserver;
  if (Observer) {
    new Observer(([entry]) => entry.contentRect.width > 0 && layout(entry.contentRect.width)).observe(holder);
  } else {
    layout(options.size);
  }
  return holder;
}
