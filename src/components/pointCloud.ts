/**
 * A square scatter of interleaved 2D points on a fixed domain, so that clouds at different t can be
 * compared: the data (within about ±1.6) shrinks by √ᾱ_t while the noise grows to N(0, I).
 * Points can be coloured by a hue in [−π, π] (their starting angle), which follows each point through t.
 */

import * as Plot from "@observablehq/plot";

/** Half-width of the default domain: N(0, 1) coordinates stay within ±3.5 with probability 0.9995. */
export const CLOUD_EXTENT = 3.5;

export interface PointCloudOptions {
  /** Per-point hue in [−π, π], drawn on a cyclic colour scale; omitted: the text colour. */
  hue?: ArrayLike<number>;
  /** Faint reference points drawn underneath (e.g. x_0). */
  background?: Float64Array;
  /** Width and height in px. */
  size?: number;
  /** Draw x and y axes (a large plot) or only a frame (a small multiple). */
  axes?: boolean;
  extent?: number;
  radius?: number;
  title?: string;
  /** Accessible description of the figure. */
  ariaDescription?: string;
  document?: Document;
}

/** The x and y columns of interleaved points. */
export function columns(points: Float64Array): { x: Float64Array; y: Float64Array } {
  if (points.length % 2 !== 0) throw new RangeError(`points must have an even length, got ${points.length}`);
  const n = points.length / 2;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = points[2 * i];
    y[i] = points[2 * i + 1];
  }
  return { x, y };
}

/** Each point's polar angle atan2(y, x), a hue that stays attached to a point as it is noised. */
export function angles(points: Float64Array): Float64Array {
  const { x, y } = columns(points);
  return x.map((xi, i) => Math.atan2(y[i], xi));
}

export function pointCloud(points: Float64Array, options: PointCloudOptions = {}): SVGSVGElement | HTMLElement {
  const {
    hue,
    background,
    axes = false,
    extent = CLOUD_EXTENT,
    radius = axes ? 1.6 : 1,
    title,
    ariaDescription,
    document = globalThis.document,
  } = options;
  // resize() can report a width of 0 before layout; Plot would then draw negative-size clip rects.
  const size = Math.max(options.size ?? 200, 80);
  const { x, y } = columns(points);
  if (hue && hue.length !== x.length) throw new RangeError(`hue must have one value per point (${x.length}), got ${hue.length}`);
  const domain = [-extent, extent];
  const marks: Plot.Markish[] = [];
  if (axes) marks.push(Plot.ruleX([0], { strokeOpacity: 0.2 }), Plot.ruleY([0], { strokeOpacity: 0.2 }));
  else marks.push(Plot.frame({ strokeOpacity: 0.3 }));
  if (background) {
    const b = columns(background);
    marks.push(Plot.dot({ length: b.x.length }, { x: b.x, y: b.y, r: radius * 0.8, fill: "currentColor", fillOpacity: 0.12 }));
  }
  marks.push(
    Plot.dot({ length: x.length }, {
      x,
      y,
      r: radius,
      fill: hue ? Array.from(hue) : "currentColor",
      fillOpacity: hue ? 0.8 : 0.5,
    }),
  );
  const margin = axes ? 36 : 2;
  return Plot.plot({
    document,
    title,
    ariaDescription,
    width: size,
    height: size,
    margin,
    marginLeft: axes ? 40 : margin,
    x: { domain, label: axes ? "x" : null, axis: axes ? "bottom" : null, ticks: 7 },
    y: { domain, label: axes ? "y" : null, axis: axes ? "left" : null, ticks: 7 },
    color: { type: "linear", domain: [-Math.PI, Math.PI], scheme: "sinebow" },
    clip: true,
    marks,
  });
}
