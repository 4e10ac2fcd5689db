/**
 * One panel of the denoising task: a square scatter of interleaved 2D points (x_t, ε̂ or x̂_0) over a faint
 * reference (the data, or the true ε), with one chosen point ringed and optional segments that join
 * each of some points to where it came from (true ε → ε̂: the error). Points beyond the fixed frame are
 * clipped, and counted by `outside`, so the page can say so.
 *
 * A panel is made once and redrawn in place (canvasPanel.ts): fixed Plot axes over a canvas holding the
 * 2 × 2048 dots, the segments and the ring. Moving t then repaints one canvas per panel in a few
 * milliseconds, where rebuilding thousands of SVG circles took the browser hundreds.
 */

import * as Plot from "@observablehq/plot";
import { canvasPanel, type CanvasPanel } from "./canvasPanel.js";
import { drawRing, drawSegments, shades, themeColours } from "./dotCanvas.js";

export interface DenoisingPanelOptions {
  /** Per-point hue in [−π, π] on a cyclic scale (e.g. each point's angle on the data). */
  hue?: ArrayLike<number>;
  /** Faint points drawn underneath. */
  background?: Float64Array;
  /** Segments from from[i] to the drawn points[i] for i in `indices`. */
  links?: { from: Float64Array; indices: number[] };
  /** Half-width of the square frame. */
  extent?: number;
  /** The panel fills its container's width up to this many px. */
  maxSize?: number;
  /** The size where the container cannot be measured (no ResizeObserver). */
  size?: number;
  xLabel?: string;
  yLabel?: string;
  document?: Document;
}

export interface PanelDrawing {
  points: Float64Array;
  /** Index of the point to ring. */
  highlight?: number;
  ariaDescription?: string;
}

export type DenoisingPanel = CanvasPanel<PanelDrawing>;

const MARGIN = { left: 36, right: 10, top: 10, bottom: 32 };

/** How many points lie beyond ±extent in x or y (and so are clipped from the panel). */
export function outside(points: Float64Array, extent: number): number {
  let count = 0;
  for (let i = 0; i < points.length; i += 2) {
    if (!(Math.abs(points[i]) <= extent && Math.abs(points[i + 1]) <= extent)) count++;
  }
  return count;
}

/** The axes of a panel: zero rules, ticks and labels on the fixed frame, no data. */
export function scatterAxes(size: number, extent: number, xLabel: string, yLabel: string, document: Document): SVGSVGElement {
  return Plot.plot({
    document,
    width: size,
    height: size,
    marginLeft: MARGIN.left,
    marginBottom: MARGIN.bottom,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    x: { domain: [-extent, extent], label: xLabel, ticks: 5 },
    y: { domain: [-extent, extent], label: yLabel, ticks: 5 },
    marks: [Plot.ruleX([0], { strokeOpacity: 0.15 }), Plot.ruleY([0], { strokeOpacity: 0.15 })],
  }) as SVGSVGElement;
}

export function denoisingPanel(options: DenoisingPanelOptions = {}): DenoisingPanel {
  const { hue, background, links, extent = 3.5, maxSize = 420, xLabel = "x", yLabel = "y", document = globalThis.document } = options;
  const sinebow = Plot.scale({ color: { type: "linear", domain: [-Math.PI, Math.PI], scheme: "sinebow" } });
  const fill = hue ? shades(hue, [-Math.PI, Math.PI], (value) => String(sinebow.apply(value))) : undefined;
  return canvasPanel<PanelDrawing>({
    axes: (size) => scatterAxes(size, extent, xLabel, yLabel, document),
    margin: MARGIN,
    extent,
    maxSize,
    minSize: 140,
    size: options.size ?? 260,
    background: background && { points: background, radius: 1, opacity: 0.12 },
    check: ({ points, highlight }) => {
      const n = points.length / 2;
      if (!Number.isInteger(n)) throw new RangeError(`points must have an even length, got ${points.length}`);
      if (hue && hue.length !== n) throw new RangeError(`hue must have one value per point (${n}), got ${hue.length}`);
      if (highlight !== undefined && !(Number.isInteger(highlight) && highlight >= 0 && highlight < n)) {
        throw new RangeError(`highlight must be an integer from 0 to ${n - 1}, got ${highlight}`);
      }
      if (links && links.from.length !== points.length) {
        throw new RangeError(`links.from must have the length of points (${points.length}), got ${links.from.length}`);
      }
    },
    dots: ({ points }) => [{ points, style: fill ? { radius: 1.4, fill, opacity: 0.75 } : { radius: 1.4, fill: themeColours(document).text, opacity: 0.5 } }],
    overlay: (context, area, { points, highlight }) => {
      const { text, focus } = themeColours(document);
      if (links) drawSegments(context, area, links.from, points, links.indices, { stroke: text, opacity: 0.35, width: 1 });
      if (highlight !== undefined) {
        drawRing(context, area, [points[2 * highlight], points[2 * highlight + 1]], { radius: 6, stroke: focus, opacity: 1, width: 2 });
      }
    },
    describe: (drawing) => drawing.ariaDescription,
    className: "denoising-scatter",
    document,
  });
}
