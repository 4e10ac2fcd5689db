/**
 * A user's own 2D dataset: the text of a points file (CSV or JSON, read by points.ts), normalised as the
 * built-in sets are, so the noise schedules tuned for them fit it too. The built-in sets are about
 * zero-mean and lie in about [−1.5, 1.5]² (datasets.ts); a user's set is centred on its mean and scaled,
 * by one factor on both axes (the shape keeps its proportions), until its widest coordinate is ±1.5.
 *
 * Every row is kept: a bad row (not two finite numbers within ±1e150) refuses the whole file rather than
 * being dropped, and a repeated point counts as often as it appears (it weighs as drawn).
 */
import { parsePoints } from "./points.js";
import { MAX_POINTS } from "./settings.js";

/** The half-width of the square the points are scaled into, as the built-in sets lie in [−1.5, 1.5]². */
export const HALF_WIDTH = 1.5;
/** Distinct points a dataset needs at least: one point, or copies of it, has no spread to scale. */
export const MIN_DISTINCT_POINTS = 2;
/**
 * Bumped whenever parsing or normalisation changes what points a file gives: part of the config hash of
 * a run trained on a file, so a cached run from older rules stops matching.
 */
export const USER_DATA_VERSION = 1;

export type PointsFormat = "csv" | "json";

/** How a file's points were turned into training points: normalised = (raw − centre) · scale. */
export interface Normalisation {
  /** The raw points' mean, subtracted first. */
  centre: [number, number];
  /** The factor applied after centring: HALF_WIDTH over the largest |x| or |y| of the centred points. */
  scale: number;
}

export interface UserData {
  format: PointsFormat;
  /** The normalised points, interleaved [x0, y0, x1, y1, …]: every row of the file, in order. */
  points: Float64Array;
  normalisation: Normalisation;
}

/** The format a text is in: JSON when its first non-blank character opens an array or object, else CSV. */
export function pointsFormat(text: string): PointsFormat {
  return /^\s*[[{]/.test(text) ? "json" : "csv";
}

/**
 * Centres points on their mean and scales them (both axes by one factor) so the largest |x| or |y| is
 * HALF_WIDTH. Throws a one-line RangeError for fewer than MIN_DISTINCT_POINTS distinct points.
 */
export function normalisePoints(raw: Float64Array): { points: Float64Array; normalisation: Normalisation } {
  const n = raw.length / 2;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += raw[2 * i];
    sy += raw[2 * i + 1];
  }
  const centre: [number, number] = [sx / n, sy / n];
  let reach = 0;
  for (let i = 0; i < n; i++) {
    reach = Math.max(reach, Math.abs(raw[2 * i] - centre[0]), Math.abs(raw[2 * i + 1] - centre[1]));
  }
  const scale = HALF_WIDTH / reach;
  // All points equal (reach 0), or spread so narrow that rescaling it overflows: nothing to learn.
  if (!(reach > 0)) {
    throw new RangeError(`points: all ${n.toLocaleString("en-US")} points are the same point, need at least ${MIN_DISTINCT_POINTS} distinct points`);
  }
  if (!Number.isFinite(scale)) {
    throw new RangeError(`points: they spread only ${reach} from their mean, too little to scale to ±${HALF_WIDTH} in float64`);
  }
  const points = new Float64Array(raw.length);
  for (let i = 0; i < n; i++) {
    points[2 * i] = (raw[2 * i] - centre[0]) * scale;
    points[2 * i + 1] = (raw[2 * i + 1] - centre[1]) * scale;
  }
  return { points, normalisation: { centre, scale } };
}

/**
 * Reads a points file's text (its format from its content: [[x, y], …] or {"points": …} JSON, else CSV
 * of x,y rows with an optional header) and normalises it. Limits: 1 to MAX_POINTS rows, coordinates
 * within ±1e150 (points.ts), at least MIN_DISTINCT_POINTS distinct points. Throws a one-line RangeError
 * naming the line or JSON index of the first problem.
 */
export function parseUserData(text: string): UserData {
  const format = pointsFormat(text);
  return { format, ...normalisePoints(parsePoints(text, format)) };
}

/** The limits a points file is held to, as help texts state them. */
export const USER_DATA_LIMITS = `1 to ${MAX_POINTS.toLocaleString("en-US")} points, coordinates within ±1e150, at least ${MIN_DISTINCT_POINTS} distinct`;
