/**
 * The Trajectories page's picture of the reverse process, made once and redrawn as the run plays: the
 * points of a frame coloured by where each one ends (END_COLOR), over the faint training data, with the
 * paths a few of them took, thin and translucent over the cloud, each ending in a ring around its point.
 * It draws what trajectoryFrame.ts draws in SVG, on a canvas under fixed axes (canvasPanel.ts), so a new
 * frame costs a millisecond or two and playing keeps up with the screen. The frame is fixed (±3.5), so
 * frames compare as it plays.
 */

import * as Plot from "@observablehq/plot";
import { canvasPanel, type CanvasPanel } from "./canvasPanel.js";
import { drawPath, drawRing, shades, themeColours } from "./dotCanvas.js";
import { END_COLOR } from "./endColor.js";
import { CLOUD_EXTENT } from "./pointCloud.js";

type Points = ArrayLike<number>;

export interface TrajectoryViewOptions {
  /** Per point, where it ends (0 … 1). */
  end: ArrayLike<number>;
  /** Faint points underneath (the training data). */
  background?: Points;
  /** The picture fills its container's width up to this many px. */
  maxSize?: number;
  /** The size where the container cannot be measured (no ResizeObserver). */
  size?: number;
  extent?: number;
  document?: Document;
}

export interface TrajectoryDrawing {
  points: Points;
  /** Paths to draw: for each traced point, its positions up to now, interleaved; each ends in a ring. */
  trails?: { end: number; path: Points }[];
  ariaDescription?: string;
}

export type TrajectoryView = CanvasPanel<TrajectoryDrawing>;

const MARGIN = { left: 32, right: 24, top: 24, bottom: 24 };

/** The fixed frame: ticks on both axes, no labels, no data. */
export function trajectoryAxes(size: number, extent: number, document: Document): SVGSVGElement {
  return Plot.plot({
    document,
    width: size,
    height: size,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginTop: MARGIN.top,
    marginBottom: MARGIN.bottom,
    x: { domain: [-extent, extent], label: null, ticks: 5 },
    y: { domain: [-extent, extent], label: null, ticks: 5 },
    marks: [Plot.frame({ strokeOpacity: 0.3 })],
  }) as SVGSVGElement;
}

/** END_COLOR as a function of where a point ends. */
export function endColour(): (end: number) => string {
  const scale = Plot.scale({ color: { ...END_COLOR, domain: [...END_COLOR.domain], range: [...END_COLOR.range] } });
  return (end) => String(scale.apply(end));
}

export function trajectoryView(options: TrajectoryViewOptions): TrajectoryView {
  const { end, background, maxSize = 480, extent = CLOUD_EXTENT, document = globalThis.document } = options;
  const colour = endColour();
  const fill = shades(end, [0, 1], colour);
  return canvasPanel<TrajectoryDrawing>({
    axes: (size) => trajectoryAxes(size, extent, document),
    margin: MARGIN,
    extent,
    maxSize,
    minSize: 120,
    size: options.size ?? 320,
    background: background && { points: background, radius: 0.8, opacity: 0.1 },
    check: ({ points }) => {
      if (points.length !== 2 * end.length) {
        throw new RangeError(`points must hold one 2D point per end value (${2 * end.length} numbers), got ${points.length}`);
      }
    },
    dots: ({ points }) => [{ points, style: { radius: 1.8, fill, opacity: 0.85 } }],
    overlay: (context, area, { trails = [] }) => {
      for (const trail of trails) drawPath(context, area, trail.path, { stroke: colour(trail.end), opacity: 0.6, width: 1 });
      const { text } = themeColours(document);
      for (const { path } of trails) {
        drawRing(context, area, [path[path.length - 2], path[path.length - 1]], { radius: 4.5, stroke: text, opacity: 1, width: 1.2 });
      }
    },
    describe: (drawing) => drawing.ariaDescription,
    className: "trajectory-view",
    document,
  });
}
