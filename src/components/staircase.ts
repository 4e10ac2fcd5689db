/**
 * The forward diffusion staircase: small multiples of x_t at a few rungs, each with β_t, ᾱ_t and SNR_t
 * read out underneath. "forward" reads the rungs from the data x_0 to the noise x_T; "reverse" reads
 * the same rungs, with the same points, from x_T back to x_0.
 */

import type { Schedule } from "../core/schedule.js";
import { pointCloud } from "./pointCloud.js";
import { stepReadout } from "./stepReadout.js";

/** Half-width of each small multiple: tighter than the large plot's, so the data is not tiny; N(0, 1) points
 * beyond ±3 (0.3% per coordinate) are clipped. */
const STAIRCASE_EXTENT = 3;

export const DIRECTIONS = ["forward", "reverse"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Rung {
  /** The paper's t (0 = data). */
  t: number;
  points: Float64Array;
}

export interface StaircaseOptions {
  direction?: Direction;
  /** Per-point hue (see pointCloud). */
  hue?: ArrayLike<number>;
  /** Width of each small multiple in px. */
  size?: number;
  /** Rungs per row; by default as many as fit at about `size`. */
  columns?: number;
  document?: Document;
}

export function staircase(schedule: Schedule, rungs: Rung[], options: StaircaseOptions = {}): HTMLElement {
  const { direction = "forward", hue, size = 180, columns, document = globalThis.document } = options;
  if (!DIRECTIONS.includes(direction)) throw new RangeError(`direction must be forward or reverse, got ${direction}`);
  const ordered = [...rungs].sort((a, b) => (direction === "forward" ? a.t - b.t : b.t - a.t));
  const grid = document.createElement("div");
  grid.className = "chisel-staircase";
  grid.setAttribute("role", "list");
  grid.setAttribute("aria-label", direction === "forward" ? "Rungs from data to noise" : "Rungs from noise to data");
  const tracks = columns === undefined ? `auto-fill, minmax(${Math.round(size * 0.8)}px, 1fr)` : `${columns}, minmax(0, 1fr)`;
  grid.style.cssText = `display: grid; grid-template-columns: repeat(${tracks}); gap: 1rem 0.75rem;`;
  ordered.forEach((rung, k) => {
    const figure = document.createElement("figure");
    figure.setAttribute("role", "listitem");
    figure.style.cssText = "margin: 0; max-width: none;";
    const heading = document.createElement("div");
    // One line of fixed height, so the plots line up across a row.
    heading.style.cssText = "font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; " +
      "overflow: hidden; text-overflow: ellipsis; line-height: 1.5;";
    const name = rung.t === 0 ? " (data)" : rung.t === schedule.T ? " (= T)" : "";
    heading.textContent = `${k + 1}. t = ${rung.t}${name}`;
    const plot = pointCloud(rung.points, {
      hue,
      size,
      extent: STAIRCASE_EXTENT,
      document,
      ariaDescription: `The ${rung.points.length / 2} points at t = ${rung.t}`,
    });
    const caption = document.createElement("figcaption");
    caption.style.cssText = "font-size: 0.85em;";
    caption.append(stepReadout(schedule, rung.t, { document }));
    figure.append(heading, plot, caption);
    grid.append(figure);
  });
  return grid;
}
