/**
 * One panel of the denoising task: a square scatter of interleaved 2D points (x_t, ε̂ or x̂_0) over a faint
 * reference (the data, or the true ε), with one chosen point ringed and optional segments that join
 * each of some points to where it came from (true ε → ε̂: the error; x_t → x̂_0: the move).
 * Points beyond the fixed frame are clipped, and counted by `outside`, so the page can say so.
 */

import * as Plot from "@observablehq/plot";
import { columns } from "./pointCloud.js";

export interface DenoisingScatterOptions {
  /** Per-point hue in [−π, π] on a cyclic scale (e.g. each point's angle on the data). */
  hue?: ArrayLike<number>;
  /** Faint points drawn underneath. */
  background?: Float64Array;
  /** Index of the point to ring. */
  highlight?: number;
  /** Segments from from[i] to points[i] for i in `indices`. */
  links?: { from: Float64Array; indices: number[] };
  /** Half-width of the square frame. */
  extent?: number;
  /** Width and height in px. */
  size?: number;
  xLabel?: string;
  yLabel?: string;
  ariaDescription?: string;
  document?: Document;
}

/** How many points lie beyond ±extent in x or y (and so are clipped from the panel). */
export function outside(points: Float64Array, extent: number): number {
  let count = 0;
  for (let i = 0; i < points.length; i += 2) {
    if (!(Math.abs(points[i]) <= extent && Math.abs(points[i + 1]) <= extent)) count++;
  }
  return count;
}

export function denoisingScatter(points: Float64Array, options: DenoisingScatterOptions = {}): SVGSVGElement | HTMLElement {
  const {
    hue,
    background,
    highlight,
    links,
    extent = 3.5,
    xLabel = "x",
    yLabel = "y",
    ariaDescription,
    document = globalThis.document,
  } = options;
  // resize() can report a width of 0 before layout.
  const size = Math.max(options.size ?? 260, 120);
  const { x, y } = columns(points);
  const n = x.length;
  if (hue && hue.length !== n) throw new RangeError(`hue must have one value per point (${n}), got ${hue.length}`);
  if (highlight !== undefined && !(Number.isInteger(highlight) && highlight >= 0 && highlight < n)) {
    throw new RangeError(`highlight must be an integer from 0 to ${n - 1}, got ${highlight}`);
  }
  const marks: Plot.Markish[] = [Plot.ruleX([0], { strokeOpacity: 0.15 }), Plot.ruleY([0], { strokeOpacity: 0.15 })];
  if (background) {
    const b = columns(background);
    marks.push(Plot.dot({ length: b.x.length }, { x: b.x, y: b.y, r: 1, fill: "currentColor", fillOpacity: 0.12 }));
  }
  if (links) {
    if (links.from.length !== points.length) {
      throw new RangeError(`links.from must have the length of points (${points.length}), got ${links.from.length}`);
    }
    const f = columns(links.from);
    marks.push(Plot.link(links.indices, {
      x1: (i: number) => f.x[i],
      y1: (i: number) => f.y[i],
      x2: (i: number) => x[i],
      y2: (i: number) => y[i],
      stroke: "currentColor",
      strokeOpacity: 0.35,
    }));
  }
  marks.push(Plot.dot({ length: n }, {
    x,
    y,
    r: 1.4,
    fill: hue ? Array.from(hue) : "currentColor",
    fillOpacity: hue ? 0.75 : 0.5,
  }));
  if (highlight !== undefined) {
    marks.push(Plot.dot([highlight], {
      x: (i: number) => x[i],
      y: (i: number) => y[i],
      r: 6,
      stroke: "var(--theme-foreground-focus, currentColor)",
      strokeWidth: 2,
      fill: "none",
    }));
  }
  return Plot.plot({
    document,
    ariaDescription,
    width: size,
    height: size,
    marginLeft: 36,
    marginBottom: 32,
    marginTop: 10,
    marginRight: 10,
    x: { domain: [-extent, extent], label: xLabel, ticks: 5 },
    y: { domain: [-extent, extent], label: yLabel, ticks: 5 },
    color: { type: "linear", domain: [-Math.PI, Math.PI], scheme: "sinebow" },
    clip: true,
    marks,
  });
}
