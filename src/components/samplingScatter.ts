/**
 * A Sampling panel's figure: the frame and axes as Plot draws them (SVG), the points on a canvas laid
 * over the plot area. Thousands of SVG circles per panel cost the page long tasks to build and lay
 * out (three panels of 4096 samples over 2048 training points are 18,000 circles). The canvas gets its
 * pixels written directly (an antialiased disc stamped per point, blended over what is there): a
 * browser without a GPU rasterises thousands of canvas arcs in software at every frame's commit,
 * tens of milliseconds per panel, where stamping takes one or two. Colours are trajectoryFrame's: where
 * each sample ends (END_COLOR), the training data faint underneath, points on their way in the text colour.
 */

import * as Plot from "@observablehq/plot";
import { END_COLOR } from "./endColor.js";

export interface SamplingScatterOptions {
  /** Per point, where it ends (0 … 1); omitted: the text colour. */
  end?: ArrayLike<number>;
  /** Faint points underneath (the training data). */
  background?: ArrayLike<number>;
  size: number;
  /** The square [−extent, extent]² shown. */
  extent: number;
  ariaDescription?: string;
  document?: Document;
}

/** Steps of END_COLOR's ramp looked up per point (a scale call per point would cost more than the drawing). */
const RAMP_STEPS = 256;

type Rgb = [number, number, number];

/** "rgb(r, g, b)" or "#rrggbb" as numbers; undefined for anything else. */
export function parseRgb(text: string): Rgb | undefined {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(text.trim());
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

let ramp: Rgb[] | undefined;
function endRamp(): Rgb[] {
  ramp ??= (() => {
    const scale = Plot.scale({ color: { ...END_COLOR, domain: [...END_COLOR.domain], range: [...END_COLOR.range] } });
    return Array.from({ length: RAMP_STEPS }, (_, i) => {
      const colour = String(scale.apply(i / (RAMP_STEPS - 1)));
      const rgb = parseRgb(colour);
      if (!rgb) throw new RangeError(`END_COLOR gave ${colour}, not an rgb colour`);
      return rgb;
    });
  })();
  return ramp;
}

/** A disc of radius r px as pixel offsets and coverage (4 × 4 samples per pixel), for a point at a pixel centre. */
export function discStamp(r: number): { dx: number; dy: number; cover: number }[] {
  const reach = Math.ceil(r);
  const stamp: { dx: number; dy: number; cover: number }[] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      let inside = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const x = dx - 0.5 + (sx + 0.5) / 4, y = dy - 0.5 + (sy + 0.5) / 4;
          if (x * x + y * y <= r * r) inside++;
        }
      }
      if (inside > 0) stamp.push({ dx, dy, cover: inside / 16 });
    }
  }
  return stamp;
}

/** Blends `colour` at `alpha` × coverage over non-premultiplied RGBA pixels (source over). */
function stampPoints(
  pixels: { data: Uint8ClampedArray; width: number; height: number },
  xy: ArrayLike<number>,
  at: (v: number) => number,
  atY: (v: number) => number,
  stamp: { dx: number; dy: number; cover: number }[],
  alpha: number,
  colour: (i: number) => Rgb,
): void {
  const { data, width, height } = pixels;
  for (let i = 0; i < xy.length / 2; i++) {
    const cx = Math.floor(at(xy[2 * i])), cy = Math.floor(atY(xy[2 * i + 1]));
    if (!(cx >= -4 && cx < width + 4 && cy >= -4 && cy < height + 4)) continue;
    const [r, g, b] = colour(i);
    for (const { dx, dy, cover } of stamp) {
      const x = cx + dx, y = cy + dy;
      if (x < 0 || x >= width || y < 0 || y >= height) continue;
      const o = 4 * (y * width + x);
      const a = alpha * cover;
      const under = (data[o + 3] / 255) * (1 - a);
      const out = a + under;
      data[o] = (r * a + data[o] * under) / out;
      data[o + 1] = (g * a + data[o + 1] * under) / out;
      data[o + 2] = (b * a + data[o + 2] * under) / out;
      data[o + 3] = out * 255;
    }
  }
}

/** The plot's frame and axes at one size, drawn once and cloned for every figure of that size. */
interface Frame {
  svg: SVGSVGElement;
  /** The plot area, in px from the figure's top left. */
  left: number;
  top: number;
  width: number;
  height: number;
}

const frames = new WeakMap<Document, Map<string, Frame>>();

function frameOf(document: Document, size: number, extent: number): Frame {
  if (!frames.has(document)) frames.set(document, new Map());
  const bySize = frames.get(document)!;
  const key = `${size} ${extent}`;
  if (!bySize.has(key)) {
    const domain = [-extent, extent];
    const plot = Plot.plot({
      document,
      width: size,
      height: size,
      margin: 24,
      marginLeft: 32,
      x: { domain, label: null, ticks: 5 },
      y: { domain, label: null, ticks: 5 },
      marks: [Plot.frame({ strokeOpacity: 0.3 })],
    });
    const [left, right] = plot.scale("x")!.range as [number, number];
    const [bottom, top] = plot.scale("y")!.range as [number, number];
    bySize.set(key, { svg: plot as SVGSVGElement, left, top, width: right - left, height: bottom - top });
  }
  return bySize.get(key)!;
}

/** The figure: a div holding the plot's SVG and, over its plot area, a canvas with the points. */
export function samplingScatter(points: ArrayLike<number>, options: SamplingScatterOptions): HTMLElement {
  const { end, background, size, extent, ariaDescription, document = globalThis.document } = options;
  if (points.length % 2 !== 0) throw new RangeError(`points must have an even length, got ${points.length}`);
  if (end && end.length !== points.length / 2) throw new RangeError(`end must have one value per point (${points.length / 2}), got ${end.length}`);
  const frame = frameOf(document, size, extent);
  const { left, top, width, height } = frame;
  const svg = frame.svg.cloneNode(true) as SVGSVGElement;
  if (ariaDescription) svg.setAttribute("aria-description", ariaDescription);
  const root = document.createElement("div");
  root.className = "sampling-scatter";
  root.dataset.points = String(points.length / 2);
  root.style.cssText = `position: relative; width: ${size}px; height: ${size}px;`;
  const canvas = document.createElement("canvas");
  const ratio = globalThis.devicePixelRatio ?? 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.cssText = `position: absolute; left: ${left}px; top: ${top}px; width: ${width}px; height: ${height}px; pointer-events: none;`;
  canvas.setAttribute("aria-hidden", "true");
  root.append(svg, canvas);
  // A canvas has no "currentColor": the points take the page's text colour, read where the figure will sit
  // (black where it does not read as a colour: a DOM without styles).
  const text = parseRgb(document.defaultView?.getComputedStyle(document.body).color ?? "") ?? [0, 0, 0];
  const context = canvas.getContext("2d");
  if (context) {
    const pixels = context.createImageData(canvas.width, canvas.height);
    const px = (v: number) => ((v + extent) / (2 * extent)) * canvas.width;
    const py = (v: number) => ((extent - v) / (2 * extent)) * canvas.height;
    if (background) stampPoints(pixels, background, px, py, discStamp(0.8 * ratio), 0.1, () => text);
    if (end) {
      const colours = endRamp();
      stampPoints(pixels, points, px, py, discStamp(1.8 * ratio), 0.85, (i) => colours[Math.round(Math.min(1, Math.max(0, end[i])) * (RAMP_STEPS - 1))]);
    } else {
      stampPoints(pixels, points, px, py, discStamp(1.8 * ratio), 0.5, () => text);
    }
    context.putImageData(pixels, 0, 0);
  }
  return root;
}
