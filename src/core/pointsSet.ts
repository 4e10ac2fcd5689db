/**
 * A user's points set as the Train page trains and shares it: the quantised points (pointsUrl.ts), the
 * CSV text they are written as, that text's SHA-256, and the points training sees, which are that text
 * read and normalised exactly as the CLI reads the file (userData.ts). So a run trained on the page and
 * `chisel train --data NAME.csv` on the downloaded CSV have the same dataset, the same config hash.
 */
import { sha256Hex } from "./hash.js";
import { encodePointsParam, pointsCsv, POINTS_URL_MAX_CHARS, type QuantisedPoints } from "./pointsUrl.js";
import { type Normalisation, parseUserData } from "./userData.js";

export interface PointsSet {
  /** The file name a config records, without ".csv" ("drawn", an upload's name). */
  name: string;
  quantised: QuantisedPoints;
  /** The points file: what is hashed, downloaded and read by the CLI. */
  csv: string;
  /** SHA-256 of the CSV's UTF-8 bytes, lowercase hex (config dataset.sha256). */
  sha256: string;
  /** The CSV's points normalised (userData.ts): what trains. */
  points: Float64Array;
  normalisation: Normalisation;
  /** The URL parameter, when it fits in POINTS_URL_MAX_CHARS. */
  param?: string;
  /** The parameter's length, fitting or not. */
  paramLength: number;
}

/** The set of these points; throws userData's one-line RangeError when they cannot train (one distinct point). */
export async function pointsSet(name: string, quantised: QuantisedPoints): Promise<PointsSet> {
  const csv = pointsCsv(quantised);
  const { points, normalisation } = parseUserData(csv);
  const param = await encodePointsParam(quantised);
  return {
    name,
    quantised,
    csv,
    sha256: await sha256Hex(new TextEncoder().encode(csv)),
    points,
    normalisation,
    param: param.length <= POINTS_URL_MAX_CHARS ? param : undefined,
    paramLength: param.length,
  };
}

/** How many distinct (x, y) pairs interleaved points hold: rounding to the grid can merge close ones. */
export function distinctPointCount(points: ArrayLike<number>): number {
  const seen = new Set<string>();
  for (let i = 0; i < points.length; i += 2) seen.add(`${points[i]},${points[i + 1]}`);
  return seen.size;
}
