/**
 * Point clouds drawn on a canvas under a Plot SVG that keeps the axes. Thousands of SVG circles cost
 * the browser hundreds of milliseconds to create, style and lay out at every redraw; the same dots
 * written into the canvas's pixels take a few. Colours that stay with the points (a hue per point) are
 * grouped once into a few dozen shades, each parsed once per redraw rather than once per point.
 *
 * The line drawing functions take only the part of a 2D context they use, so tests can record the calls.
 */

/** The calls of CanvasRenderingContext2D used here. */
export type DotContext = Pick<CanvasRenderingContext2D, "beginPath" | "moveTo" | "lineTo" | "arc" | "stroke"> & {
  strokeStyle: unknown;
  globalAlpha: number;
  lineWidth: number;
};

/** The plot area in CSS pixels and the data square [−extent, extent]² it shows (y up). */
export interface PlotArea {
  width: number;
  height: number;
  extent: number;
}

/** Where data (x, y) lands in the plot area, as Plot's linear scales put it. */
export function toPixels(area: PlotArea): { x: (value: number) => number; y: (value: number) => number } {
  const { width, height, extent } = area;
  return {
    x: (value) => ((value + extent) / (2 * extent)) * width,
    y: (value) => ((extent - value) / (2 * extent)) * height,
  };
}

/** Points sorted into shades: `members[k]` are the indices of the points drawn in `colours[k]`. */
export interface Shades {
  colours: string[];
  members: Int32Array[];
}

/**
 * Groups per-point values in [lo, hi] into `levels` equal bands, each drawn in `colour` of its centre:
 * 64 shades of a smooth scale are indistinguishable from one colour per point. Values beyond the domain
 * join the end bands.
 */
export function shades(values: ArrayLike<number>, [lo, hi]: [number, number], colour: (value: number) => string, levels = 64): Shades {
  if (!(hi > lo)) throw new RangeError(`the domain must have lo < hi, got [${lo}, ${hi}]`);
  const band = (v: number) => Math.min(levels - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * levels)));
  const counts = new Int32Array(levels);
  for (let i = 0; i < values.length; i++) counts[band(values[i])]++;
  const members = Array.from(counts, (count) => new Int32Array(count));
  counts.fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = band(values[i]);
    members[k][counts[k]++] = i;
  }
  return { colours: members.map((_, k) => colour(lo + ((k + 0.5) / levels) * (hi - lo))), members };
}

export interface DotStyle {
  radius: number;
  /** One colour for all, or the points' shades. */
  fill: string | Shades;
  opacity: number;
}

/** A canvas's pixels, as getImageData gives them: RGBA rows, not premultiplied. */
export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The red, green and blue of a CSS colour as browsers compute them: "rgb(r, g, b)", "rgba(…)" or "#rrggbb". */
export function rgbOf(colour: string): [number, number, number] {
  const hex = colour.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = colour.match(/^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new RangeError(`colour must be rgb(…) or #rrggbb, got ${colour}`);
}

/**
 * Interleaved points as antialiased discs written straight into `pixels` (at `density` device pixels per
 * CSS pixel), each blended over what is there; points outside the area fall off. A browser without a GPU
 * rasterises thousands of canvas arcs in software when the frame is committed, tens of milliseconds a
 * panel; writing the pixels takes one or two.
 */
export function stampDots(pixels: Pixels, density: number, area: PlotArea, points: ArrayLike<number>, style: DotStyle): void {
  const { x, y } = toPixels(area);
  const { fill, opacity } = style;
  const radius = style.radius * density;
  const { width, height, data } = pixels;
  const groups = typeof fill === "string"
    ? [{ rgb: rgbOf(fill), indices: Array.from({ length: points.length / 2 }, (_, i) => i) as ArrayLike<number> }]
    : fill.colours.map((colour, k) => ({ rgb: rgbOf(colour), indices: fill.members[k] as ArrayLike<number> }));
  for (const { rgb: [red, green, blue], indices } of groups) {
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j];
      const cx = x(points[2 * i]) * density;
      const cy = y(points[2 * i + 1]) * density;
      if (!(cx > -radius - 1 && cx < width + radius + 1 && cy > -radius - 1 && cy < height + radius + 1)) continue;
      for (let py = Math.max(0, Math.floor(cy - radius - 0.5)); py <= Math.min(height - 1, Math.ceil(cy + radius - 0.5)); py++) {
        for (let px = Math.max(0, Math.floor(cx - radius - 0.5)); px <= Math.min(width - 1, Math.ceil(cx + radius - 0.5)); px++) {
          // Coverage of the pixel by the disc, by the distance from its centre to the disc's edge.
          const dx = px + 0.5 - cx;
          const dy = py + 0.5 - cy;
          const coverage = Math.min(1, radius + 0.5 - Math.sqrt(dx * dx + dy * dy));
          if (coverage <= 0) continue;
          const alpha = opacity * coverage;
          const k = 4 * (py * width + px);
          const under = (data[k + 3] / 255) * (1 - alpha);
          const total = alpha + under;
          data[k] = (red * alpha + data[k] * under) / total;
          data[k + 1] = (green * alpha + data[k + 1] * under) / total;
          data[k + 2] = (blue * alpha + data[k + 2] * under) / total;
          data[k + 3] = 255 * total;
        }
      }
    }
  }
}

export interface LineStyle {
  stroke: string;
  opacity: number;
  width: number;
}

/** Segments from from[i] to to[i] for each i in `indices` (interleaved points). */
export function drawSegments(
  context: DotContext,
  area: PlotArea,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  indices: ArrayLike<number>,
  style: LineStyle,
): void {
  const { x, y } = toPixels(area);
  context.globalAlpha = style.opacity;
  context.strokeStyle = style.stroke;
  context.lineWidth = style.width;
  context.beginPath();
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    context.moveTo(x(from[2 * i]), y(from[2 * i + 1]));
    context.lineTo(x(to[2 * i]), y(to[2 * i + 1]));
  }
  context.stroke();
  context.globalAlpha = 1;
}

/** A polyline through interleaved positions. */
export function drawPath(context: DotContext, area: PlotArea, path: ArrayLike<number>, style: LineStyle): void {
  if (path.length < 4) return;
  const { x, y } = toPixels(area);
  context.globalAlpha = style.opacity;
  context.strokeStyle = style.stroke;
  context.lineWidth = style.width;
  context.beginPath();
  context.moveTo(x(path[0]), y(path[1]));
  for (let j = 2; j < path.length; j += 2) context.lineTo(x(path[j]), y(path[j + 1]));
  context.stroke();
  context.globalAlpha = 1;
}

/** An unfilled circle of `radius` px around the data point (px, py). */
export function drawRing(context: DotContext, area: PlotArea, [px, py]: [number, number], style: LineStyle & { radius: number }): void {
  const { x, y } = toPixels(area);
  context.globalAlpha = style.opacity;
  context.strokeStyle = style.stroke;
  context.lineWidth = style.width;
  context.beginPath();
  context.arc(x(px), y(py), style.radius, 0, 2 * Math.PI);
  context.stroke();
  context.globalAlpha = 1;
}

// Reading a computed style forces the browser to restyle a page that is mid-update; the theme changes
// only with the reader's colour scheme, so it is read once and again when that changes.
const themes = new WeakMap<Document, { text: string; focus: string }>();

/** The page's text and focus colours, for what the SVG would draw in currentColor. */
export function themeColours(document: Document): { text: string; focus: string } {
  const known = themes.get(document);
  if (known) return known;
  const view = document.defaultView;
  const style = view?.getComputedStyle?.(document.body);
  const text = style?.color || "#1b1e23";
  const theme = { text, focus: style?.getPropertyValue("--theme-foreground-focus").trim() || text };
  themes.set(document, theme);
  view?.matchMedia?.("(prefers-color-scheme: dark)").addEventListener("change", () => themes.delete(document), { once: true });
  return theme;
}

/** Where a canvas sits over its Plot SVG: the plot area's offset and size in CSS pixels. */
export interface CanvasPlacement {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A figure of `width` × `height` holding a canvas over the plot area, under `svg` (the axes and frame,
 * transparent elsewhere). The canvas is scaled for the screen's pixel density; `context` is undefined
 * where there is no 2D canvas (tests under jsdom).
 */
export function canvasUnderAxes(
  svg: Element,
  size: { width: number; height: number },
  placement: CanvasPlacement,
  document: Document,
): { figure: HTMLElement; canvas: HTMLCanvasElement; context: CanvasRenderingContext2D | undefined; density: number } {
  const figure = document.createElement("figure");
  // Contained: repainting the canvas lays out nothing outside the figure.
  figure.style.cssText = `position: relative; margin: 0; width: ${size.width}px; height: ${size.height}px; contain: strict;`;
  const canvas = document.createElement("canvas");
  const density = document.defaultView?.devicePixelRatio || 1;
  canvas.width = Math.round(placement.width * density);
  canvas.height = Math.round(placement.height * density);
  // Its own compositing layer: a redraw then changes only its pixels, and the browser does not repaint
  // and re-layer the rest of the page for each frame of an animation.
  canvas.style.cssText = `position: absolute; left: ${placement.left}px; top: ${placement.top}px; ` +
    `width: ${placement.width}px; height: ${placement.height}px; will-change: transform;`;
  canvas.setAttribute("aria-hidden", "true");
  (svg as SVGElement).style.position = "absolute";
  (svg as SVGElement).style.left = "0";
  (svg as SVGElement).style.top = "0";
  figure.append(canvas, svg);
  // jsdom has no canvas and says so on the console; it is asked only in a browser. Its pixels are read
  // back at every redraw (the dots are written into them), so it is kept in memory, not on a GPU.
  const context = /jsdom/i.test(document.defaultView?.navigator?.userAgent ?? "")
    ? undefined
    : canvas.getContext("2d", { willReadFrequently: true }) ?? undefined;
  context?.setTransform(density, 0, 0, density, 0, 0);
  return { figure, canvas, context, density };
}
