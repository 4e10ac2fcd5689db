/**
 * Small multiples of sample clouds: one panel per row × column (sampler × step count for one run,
 * run × step count for one sampler of a sweep, or run × sampler × step count when a sweep's runs have
 * samplers of their own), each over the same fixed square, with the dataset
 * drawn faintly underneath so that missing arms and stray points show at a glance.
 */

import * as Plot from "@observablehq/plot";

/** Half-width of the panels' square: the spiral lies within about ±1.6; farther points are clipped. */
export const SAMPLE_EXTENT = 2.2;

export interface SamplePanel {
  row: string;
  column: string;
  /** Interleaved points [x0, y0, x1, y1, …]. */
  points: Float64Array;
}

export interface SampleFacetsOptions {
  /** Row and column labels in display order (default: order of first appearance). */
  rows?: string[];
  columns?: string[];
  /** What the rows and columns are, for the axis labels. */
  rowLabel?: string;
  columnLabel?: string;
  /** The data, drawn faintly in every panel. */
  background?: Float64Array;
  /** Side of one panel in px (default 180). */
  panel?: number;
  extent?: number;
  document?: Document;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function pointRows(points: Float64Array, extra: Record<string, string>): { x: number; y: number }[] {
  const out = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push({ ...extra, x: points[i], y: points[i + 1] });
  return out;
}

export function sampleFacets(panels: SamplePanel[], options: SampleFacetsOptions = {}): SVGSVGElement | HTMLElement {
  const {
    rowLabel = null,
    columnLabel = null,
    background,
    panel = 180,
    extent = SAMPLE_EXTENT,
    document = globalThis.document,
  } = options;
  if (panels.length === 0) throw new RangeError("panels must list at least one panel");
  const rows = options.rows ?? unique(panels.map((p) => p.row));
  const columns = options.columns ?? unique(panels.map((p) => p.column));
  const samples = panels.flatMap((p) => pointRows(p.points, { row: p.row, column: p.column }));
  const domain = [-extent, extent];
  const marks: Plot.Markish[] = [Plot.frame({ strokeOpacity: 0.3 })];
  if (background) {
    // A mark without fx/fy is drawn in every panel.
    marks.push(Plot.dot(pointRows(background, {}), { x: "x", y: "y", r: 0.8, fill: "currentColor", fillOpacity: 0.08 }));
  }
  marks.push(Plot.dot(samples, { x: "x", y: "y", fx: "column", fy: "row", r: 1, fill: "currentColor", fillOpacity: 0.55 }));
  const margin = 4;
  const marginTop = 28;
  // The row labels sit in the right margin: wide enough for the longest at Plot's 10 px font (about 6 px a character).
  const marginRight = Math.max(110, Math.ceil(6 * Math.max(...rows.map((r) => r.length))) + 16);
  return Plot.plot({
    document,
    ariaLabel: "samples",
    ariaDescription: `${panels.length} panels of sampled points, ${rows.length} rows by ${columns.length} columns`,
    width: columns.length * panel + marginRight + margin,
    height: rows.length * panel + marginTop + margin,
    marginTop,
    marginRight,
    marginLeft: margin,
    marginBottom: margin,
    x: { domain, axis: null },
    y: { domain, axis: null },
    fx: { domain: columns, label: columnLabel, axis: "top", padding: 0.06 },
    fy: { domain: rows, label: rowLabel, axis: "right", padding: 0.06 },
    clip: true,
    marks,
  });
}
