/**
 * One frame of the reverse process: the points at some step, coloured by where each one ends (END_COLOR),
 * over the faint training data, optionally with the paths a few of them took to get there. The frame is
 * fixed (±3.5, like pointCloud), so frames compare; x̂_0 at the first steps lies far outside it, and the
 * caption counts what is clipped. The Sampling page draws its panels with it; the Trajectories page
 * draws the same picture on a canvas (trajectoryView.ts), to animate it.
 *
 * The paths lie under the points, thin and translucent, each ending in a ring around its point, so the
 * cloud stays readable through them.
 */

import * as Plot from "@observablehq/plot";
import { END_COLOR } from "./endColor.js";
import { CLOUD_EXTENT } from "./pointCloud.js";

type Points = ArrayLike<number>;

export interface TrajectoryFrameOptions {
  /** Per point, where it ends (0 … 1); omitted (points still on their way): the text colour. */
  end?: ArrayLike<number>;
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

/**
 * A path (interleaved positions, frame by frame) averaged over `radius` frames either side, its first
 * and last positions kept: DDPM adds fresh noise at every step, and its raw paths zigzag so much that
 * the drift towards the data is lost in them.
 */
export function smoothPath(path: Points, radius: number): Float64Array {
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be an integer ≥ 0, got ${radius}`);
  const frames = path.length / 2;
  const out = Float64Array.from(path);
  for (let f = 1; f < frames - 1; f++) {
    const from = Math.max(0, f - radius);
    const to = Math.min(frames - 1, f + radius);
    let x = 0;
    let y = 0;
    for (let g = from; g <= to; g++) {
      x += path[2 * g];
      y += path[2 * g + 1];
    }
    out[2 * f] = x / (to - from + 1);
    out[2 * f + 1] = y / (to - from + 1);
  }
  return out;
}

export function trajectoryFrame(points: Points, options: TrajectoryFrameOptions): SVGSVGElement | HTMLElement {
  const { end, background, trails = [], extent = CLOUD_EXTENT, title, ariaDescription, document = globalThis.document } = options;
  if (points.length % 2 !== 0) throw new RangeError(`points must have an even length, got ${points.length}`);
  if (end && end.length !== points.length / 2) throw new RangeError(`end must have one value per point (${points.length / 2}), got ${end.length}`);
  const size = Math.max(options.size ?? 320, 120);
  const domain = [-extent, extent];
  const cloud = rows(points).map((p, i) => ({ ...p, end: end?.[i] }));
  const paths = trails.flatMap(({ end, path }, id) => rows(path).map((p) => ({ ...p, end, id })));
  const heads = trails.map(({ path }) => ({ x: path[path.length - 2], y: path[path.length - 1] }));
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
      ...(paths.length > 0 ? [Plot.line(paths, { x: "x", y: "y", z: "id", stroke: "end", strokeOpacity: 0.6, strokeWidth: 1 })] : []),
      Plot.dot(cloud, { x: "x", y: "y", r: 1.8, fill: end ? "end" : "currentColor", fillOpacity: end ? 0.85 : 0.5 }),
      ...(heads.length > 0 ? [Plot.dot(heads, { x: "x", y: "y", r: 4.5, stroke: "currentColor", strokeWidth: 1.2, className: "path-ends" })] : []),
    ],
  });
}
