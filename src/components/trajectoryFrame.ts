/**
 * One frame of the reverse process: the points at some step, coloured by where each one ends (END_COLOR),
 * over the faint training data, optionally with the paths a few of them took to get there. The frame is
 * fixed (±3.5, like pointCloud), so frames compare as the animation plays; x̂_0 at the first steps lies
 * far outside it, and the caption counts what is clipped.
 */

import * as Plot from "@observablehq/plot";
import { END_COLOR } from "./endColor.js";
import { CLOUD_EXTENT } from "./pointCloud.js";

type Points = ArrayLike<number>;

export interface TrajectoryFrameOptions {
  /** Per point, where it ends (0 … 1). */
  end: ArrayLike<number>;
  /** Faint points underneath (the training data). */
  background?: Points;
  /** Paths to draw: for each traced point, its positions frame by frame up to this one, interleaved. */
  trails?: { end: number; path: Points }[];
  size?: number;
  extent?: number;
  title?: string;
  ariaDescription?: string;
  document?: Document;
}

function rows(points: Points): { x: number; y: number }[] {
  return Array.from({ length: points.length / 2 }, (_, i) => ({ x: points[2 * i], y: points[2 * i + 1] }));
}

/** How many of the points lie outside the square [−extent, extent]². */
export function countOutside(points: Points, extent = CLOUD_EXTENT): number {
  let count = 0;
  for (let i = 0; i < points.length; i += 2) {
    if (!(Math.abs(points[i]) <= extent && Math.abs(points[i + 1]) <= extent)) count++;
  }
  return count;
}

export function trajectoryFrame(points: Points, options: TrajectoryFrameOptions): SVGSVGElement | HTMLElement {
  const { end, background, trails = [], extent = CLOUD_EXTENT, title, ariaDescription, document = globalThis.document } = options;
  if (points.length % 2 !== 0) throw new RangeError(`points must have an even length, got ${points.length}`);
  if (end.length !== points.length / 2) throw new RangeError(`end must have one value per point (${points.length / 2}), got ${end.length}`);
  const size = Math.max(options.size ?? 320, 120);
  const domain = [-extent, extent];
  const cloud = rows(points).map((p, i) => ({ ...p, end: end[i] }));
  const paths = trails.flatMap(({ end, path }, id) => rows(path).map((p) => ({ ...p, end, id })));
  return Plot.plot({
    document,
    title,
    ariaDescription,
    width: size,
    height: size,
    margin: 24,
    marginLeft: 32,
    x: { domain, label: null, ticks: 5 },
    y: { domain, label: null, ticks: 5 },
    color: { ...END_COLOR, domain: [...END_COLOR.domain], range: [...END_COLOR.range] },
    clip: true,
    marks: [
      Plot.frame({ strokeOpacity: 0.3 }),
      ...(background ? [Plot.dot(rows(background), { x: "x", y: "y", r: 0.8, fill: "currentColor", fillOpacity: 0.1 })] : []),
      ...(paths.length > 0 ? [Plot.line(paths, { x: "x", y: "y", z: "id", stroke: "end", strokeOpacity: 0.5, strokeWidth: 1 })] : []),
      Plot.dot(cloud, { x: "x", y: "y", r: 1.8, fill: "end", fillOpacity: 0.85 }),
    ],
  });
}
