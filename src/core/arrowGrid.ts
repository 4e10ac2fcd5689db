/**
 * A field drawn as arrows: where they stand (the centres of a square grid of cells) and how long each is
 * drawn. A field's magnitudes span orders of magnitude (DDPM's score grows like 1/(1 − ᾱ_t) as t falls),
 * so lengths are scaled per picture: an arrow as long as its cell (times `fill`) stands for the
 * `quantile` of the magnitudes, shorter ones in proportion, and the few longer ones are cut to the
 * cell, so one far corner does not shrink every other arrow to a dot. Where even that hides the small
 * arrows, "equal" lengths show the directions alone.
 */

import { quantile } from "./quantile.js";

export interface ArrowGrid {
  /** Half the side of the square covered, centred on the origin. */
  extent: number;
  /** Cells per side. */
  count: number;
  /** Side of a cell, 2·extent / count. */
  cell: number;
  /** The cells' centres, interleaved, row by row from the top-left (largest y, smallest x). */
  points: Float64Array;
}

/** The centres of count × count cells tiling [−extent, extent]². An odd count puts one at the origin. */
export function arrowGrid(extent: number, count: number): ArrowGrid {
  if (!(extent > 0 && Number.isFinite(extent))) throw new RangeError(`extent must be a positive number, got ${extent}`);
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new RangeError(`count must be an integer from 1 to 200, got ${count}`);
  const cell = (2 * extent) / count;
  const points = new Float64Array(2 * count * count);
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      const i = 2 * (row * count + col);
      points[i] = -extent + (col + 0.5) * cell;
      points[i + 1] = extent - (row + 0.5) * cell;
    }
  }
  return { extent, count, cell, points };
}

export interface ArrowLayout {
  /** Each arrow's drawn length, in data units: at most fill · cell. */
  length: Float64Array;
  /** Each arrow's direction in degrees clockwise from straight up (Plot's vector `rotate`). */
  angle: Float64Array;
  /** The field's magnitude drawn as a full-length arrow. */
  reference: number;
  /** How many arrows were cut to full length (none with equal lengths). */
  capped: number;
}

export const ARROW_LENGTHS = ["proportional", "equal"] as const;
export type ArrowLengths = (typeof ARROW_LENGTHS)[number];

export interface ArrowLayoutOptions {
  /** In proportion to the magnitude (the default), or all full length but where the field is zero. */
  lengths?: ArrowLengths;
  /** Which quantile of the magnitudes a full-length arrow stands for (0 < q ≤ 1; 1 is the largest). */
  quantile?: number;
  /** The magnitude of a full-length arrow, instead of the quantile: to draw a second field to the scale of a first. */
  reference?: number;
  /** A full-length arrow's share of the cell (ARROW_FILL by default). */
  fill?: number;
}

/** A full-length arrow's share of its cell: a gap is left between neighbours, so arrows do not run together. */
export const ARROW_FILL = 0.9;

/** Lengths and directions of the arrows of `vectors` (interleaved, one per grid point) on cells of side `cell`. */
export function arrowLayout(vectors: ArrayLike<number>, cell: number, options: ArrowLayoutOptions = {}): ArrowLayout {
  const { lengths = "proportional", quantile: q = 0.9, fill = ARROW_FILL } = options;
  if (!ARROW_LENGTHS.includes(lengths)) throw new RangeError(`lengths must be one of ${ARROW_LENGTHS.join(", ")}, got ${lengths}`);
  if (vectors.length % 2 !== 0) throw new RangeError(`vectors must have an even length, got ${vectors.length}`);
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  if (!(fill > 0 && fill <= 1)) throw new RangeError(`fill must be in (0, 1], got ${fill}`);
  if (!(cell > 0)) throw new RangeError(`cell must be a positive number, got ${cell}`);
  if (options.reference !== undefined && !(options.reference > 0 && Number.isFinite(options.reference))) {
    throw new RangeError(`reference must be a positive number, got ${options.reference}`);
  }
  const n = vectors.length / 2;
  const magnitude = Float64Array.from({ length: n }, (_, i) => Math.hypot(vectors[2 * i], vectors[2 * i + 1]));
  const reference = options.reference ?? quantile(magnitude, q);
  const length = new Float64Array(n);
  const angle = new Float64Array(n);
  let capped = 0;
  for (let i = 0; i < n; i++) {
    const share = lengths === "equal" ? Math.sign(magnitude[i]) : reference > 0 ? magnitude[i] / reference : 0;
    if (share > 1) capped++;
    length[i] = fill * cell * Math.min(1, share);
    // atan2(x, y) is the angle from +y (up) towards +x (right): clockwise on screen, as Plot rotates.
    angle[i] = (Math.atan2(vectors[2 * i], vectors[2 * i + 1]) * 180) / Math.PI;
  }
  return { length, angle, reference, capped };
}
