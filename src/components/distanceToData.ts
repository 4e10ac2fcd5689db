/**
 * How far a cloud of points is from the data, frame by frame: the mean distance from each point to its
 * nearest training point, for the current states x_t and for the predictions x̂_0. x̂_0 reaches the data
 * long before x_t does, since x_t still carries noise of standard deviation √(1 − ᾱ_t).
 */

import * as Plot from "@observablehq/plot";
import { logTickFormat } from "./format.js";

type Points = ArrayLike<number>;

/** Mean over the points of the distance to the nearest data point. */
export function meanNearestDistance(points: Points, data: Points): number {
  if (points.length % 2 !== 0 || data.length % 2 !== 0 || data.length === 0 || points.length === 0) {
    throw new RangeError("points and data must hold interleaved 2D points (even, non-zero length)");
  }
  let total = 0;
  for (let p = 0; p < points.length; p += 2) {
    const x = points[p];
    const y = points[p + 1];
    let best = Infinity;
    for (let j = 0; j < data.length; j += 2) {
      const d = (x - data[j]) ** 2 + (y - data[j + 1]) ** 2;
      if (d < best) best = d;
    }
    total += Math.sqrt(best);
  }
  return total / (points.length / 2);
}

export interface DistanceSeries {
  /** Paper time of each frame, falling to 0. */
  t: number[];
  xt: number[];
  x0: number[];
}

export function distanceChart(
  series: DistanceSeries,
  options: { current?: number; width?: number; height?: number; document?: Document } = {},
): (SVGSVGElement | HTMLElement) & Plot.Plot {
  const { current, width = 640, height = 240, document = globalThis.document } = options;
  const rows = series.t.flatMap((t, i) => [
    { t, distance: series.xt[i], of: "x_t (current points)" },
    { t, distance: series.x0[i], of: "x̂₀ (predicted clean points)" },
  ]);
  const chart = Plot.plot({
    document,
    width,
    height,
    marginLeft: 56,
    x: { label: "t (sampling runs from left to right) →", reverse: true },
    y: { type: "log", label: "mean distance to the nearest training point", grid: true, tickFormat: logTickFormat },
    color: { legend: true, domain: ["x_t (current points)", "x̂₀ (predicted clean points)"] },
    marks: [Plot.line(rows, { x: "t", y: "distance", stroke: "of", strokeWidth: 1.5 })],
  });
  if (current !== undefined) moveDistanceCursor(chart, current);
  return chart;
}

/**
 * Moves the chart's dashed rule to paper time t, adding it the first time: an animation moves it at
 * every frame, and redrawing the whole chart each time would cost more than a frame.
 */
export function moveDistanceCursor(chart: (SVGSVGElement | HTMLElement) & Plot.Plot, t: number): void {
  const svg = chart instanceof chart.ownerDocument.defaultView!.SVGSVGElement ? chart : chart.querySelector(":scope > svg");
  if (!svg) throw new Error("moveDistanceCursor needs a chart made by distanceChart");
  let cursor = svg.querySelector<SVGLineElement>("line.distance-cursor");
  if (!cursor) {
    cursor = chart.ownerDocument.createElementNS("http://www.w3.org/2000/svg", "line");
    cursor.setAttribute("class", "distance-cursor");
    cursor.setAttribute("stroke", "currentColor");
    cursor.setAttribute("stroke-opacity", "0.5");
    cursor.setAttribute("stroke-dasharray", "3,3");
    const [bottom, top] = chart.scale("y")!.range!;
    cursor.setAttribute("y1", String(bottom));
    cursor.setAttribute("y2", String(top));
    svg.append(cursor);
  }
  const x = String(chart.scale("x")!.apply(t));
  cursor.setAttribute("x1", x);
  cursor.setAttribute("x2", x);
}
