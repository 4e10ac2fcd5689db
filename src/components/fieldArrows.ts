/**
 * A learned field as arrows on a grid (src/core/arrowGrid.ts), over the faint training data, with the
 * sampled points on top and, to compare, the exact field of the data in another colour beneath: what
 * the Fields page draws at each frame. The square is fixed (±grid.extent),
 * so frames compare as the animation plays; points outside it are clipped. Arrows are Plot vectors
 * whose lengths are given in pixels (an identity length scale), from the layout's lengths in data units.
 */

import * as Plot from "@observablehq/plot";
import type { ArrowGrid, ArrowLayout } from "../core/arrowGrid.js";

type Points = ArrayLike<number>;

/** The sampled points' colour: apart from the arrows and the data, which take the text colour. */
export const SAMPLE_COLOR = "#e8590c";
/** The exact field's arrows. */
export const EXACT_COLOR = "#1c7ed6";

export interface FieldArrowsOptions {
  grid: ArrowGrid;
  /** The arrows at grid.points, from arrowLayout. */
  layout: ArrowLayout;
  /** The exact field's arrows at the same points, drawn beneath (laid out to the same reference to compare lengths). */
  exact?: ArrowLayout;
  /** The sampled points, drawn on top. */
  samples?: Points;
  /** The training data, drawn faintly underneath. */
  data?: Points;
  /** Width and height in pixels. */
  size?: number;
  ariaDescription?: string;
  document?: Document;
}

/** Blank space around the square: room for the tick labels on the left and below. */
const MARGIN = { top: 8, right: 8, bottom: 28, left: 32 };

function rows(points: Points): { x: number; y: number }[] {
  return Array.from({ length: points.length / 2 }, (_, i) => ({ x: points[2 * i], y: points[2 * i + 1] }));
}

export function fieldArrows(options: FieldArrowsOptions): SVGSVGElement | HTMLElement {
  const { grid, layout, exact, samples, data, ariaDescription, document = globalThis.document } = options;
  for (const [name, arrows] of [["layout", layout], ["exact", exact]] as const) {
    if (arrows && arrows.length.length !== grid.count * grid.count) {
      throw new RangeError(`${name} must have one arrow per grid point (${grid.count * grid.count}), got ${arrows.length.length}`);
    }
  }
  for (const [name, points] of [["samples", samples], ["data", data]] as const) {
    if (points && points.length % 2 !== 0) throw new RangeError(`${name} must have an even length, got ${points.length}`);
  }
  const size = Math.max(options.size ?? 480, 160);
  // Square inside the margins, so one data unit is as many pixels across as up.
  const inner = size - Math.max(MARGIN.left + MARGIN.right, MARGIN.top + MARGIN.bottom);
  const pixelsPerUnit = inner / (2 * grid.extent);
  const domain = [-grid.extent, grid.extent];
  const arrows = (arrowLayout: ArrowLayout) =>
    rows(grid.points).map((p, i) => ({ ...p, length: arrowLayout.length[i] * pixelsPerUnit, rotate: arrowLayout.angle[i] }));
  const vector = { x: "x", y: "y", length: "length", rotate: "rotate", anchor: "middle" } as const;
  return Plot.plot({
    document,
    ariaDescription,
    width: inner + MARGIN.left + MARGIN.right,
    height: inner + MARGIN.top + MARGIN.bottom,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginLeft: MARGIN.left,
    x: { domain, label: null, ticks: 7 },
    y: { domain, label: null, ticks: 7 },
    length: { type: "identity" },
    clip: true,
    marks: [
      Plot.frame({ strokeOpacity: 0.3 }),
      ...(data ? [Plot.dot(rows(data), { x: "x", y: "y", r: 0.8, fill: "currentColor", fillOpacity: 0.15 })] : []),
      ...(exact ? [Plot.vector(arrows(exact), { ...vector, stroke: EXACT_COLOR, strokeOpacity: 0.8, strokeWidth: 2.4, className: "field-exact" })] : []),
      Plot.vector(arrows(layout), { ...vector, stroke: "currentColor", strokeOpacity: 0.7, strokeWidth: 1.2, className: "field-learned" }),
      ...(samples ? [Plot.dot(rows(samples), { x: "x", y: "y", r: 2.2, fill: SAMPLE_COLOR, fillOpacity: 0.85, className: "field-samples" })] : []),
    ],
  });
}
