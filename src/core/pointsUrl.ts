/**
 * A user's points set as it travels: quantised to POINTS_PRECISION in the [−1.5, 1.5]² plane, written
 * as the CSV text that training reads (and hashes), and packed into a URL parameter.
 *
 * The set is quantised from the start (a drawn point lands on the grid, an uploaded file is normalised
 * and then rounded), so the link, the CSV and the run all hold exactly the same numbers.
 *
 * The parameter: a version byte, the count, then the x deltas and the y deltas between consecutive
 * points as zigzag varints (sprayed points lie close together, so most deltas take one byte), all
 * compressed with deflate-raw and written in base64url.
 */
import { fromBase64, toBase64 } from "./base64.js";
import { HALF_WIDTH } from "./userData.js";
import { MAX_POINTS } from "./settings.js";

/** Coordinates are kept in thousandths: ±1.5 is ±1500, which an Int16 holds. */
export const POINTS_PRECISION = 0.001;
const UNITS = 1000;
/** The plane's half-width in thousandths. */
const PLANE_UNITS = HALF_WIDTH * UNITS;
/** A link carries a set whose parameter is at most this long (about 8 KB of URL). */
export const POINTS_URL_MAX_CHARS = 8000;
const FORMAT_VERSION = 1;
/** Bytes a valid parameter inflates to at most: version, count and 2 varints of ≤ 3 bytes per point. */
const MAX_INFLATED = 1 + 3 + 2 * 3 * MAX_POINTS;

/** Points on the grid, interleaved [x0, y0, x1, y1, …] in thousandths, within ±1500. */
export type QuantisedPoints = Int16Array;

/** Rounds points of the plane to the grid; coordinates past ±1.5 are clamped to the plane's edge. */
export function quantisePoints(points: Float64Array): QuantisedPoints {
  return Int16Array.from(points, (value) => Math.max(-PLANE_UNITS, Math.min(PLANE_UNITS, Math.round(value * UNITS))));
}

/** A whole number of thousandths as exact decimal text: −5 → "-0.005", 1500 → "1.500". */
function thousandths(units: number): string {
  const magnitude = Math.abs(units);
  return `${units < 0 ? "-" : ""}${Math.floor(magnitude / UNITS)}.${String(magnitude % UNITS).padStart(3, "0")}`;
}

/** The set as a points file: an `x,y` header and a row per point, LF line ends (what is hashed and trained on). */
export function pointsCsv(points: QuantisedPoints): string {
  const rows = ["x,y"];
  for (let i = 0; i < points.length; i += 2) rows.push(`${thousandths(points[i])},${thousandths(points[i + 1])}`);
  return rows.join("\n") + "\n";
}

function writeVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
}

const zigzag = (value: number) => (value < 0 ? -2 * value - 1 : 2 * value);
const unzigzag = (value: number) => (value & 1 ? -(value + 1) / 2 : value / 2);

const toBase64Url = (bytes: Uint8Array) => toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function streamBytes(stream: ReadableStream<Uint8Array>, limit = Infinity): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel();
      throw new RangeError(`it unpacks to more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

const through = (bytes: Uint8Array, transform: CompressionStream | DecompressionStream) =>
  new Blob([bytes as BlobPart]).stream().pipeThrough(transform as TransformStream<Uint8Array, Uint8Array>);

/** The set as a URL parameter value (base64url characters only). */
export async function encodePointsParam(points: QuantisedPoints): Promise<string> {
  const n = points.length / 2;
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_POINTS)) throw new RangeError(`points: need 1 to ${MAX_POINTS} points, got ${n}`);
  const out: number[] = [FORMAT_VERSION];
  writeVarint(out, n);
  for (const axis of [0, 1]) {
    let previous = 0;
    for (let i = axis; i < points.length; i += 2) {
      writeVarint(out, zigzag(points[i] - previous));
      previous = points[i];
    }
  }
  return toBase64Url(await streamBytes(through(Uint8Array.from(out), new CompressionStream("deflate-raw"))));
}

/**
 * The set a parameter holds. Throws a one-line RangeError ("the points parameter is damaged: …") for
 * anything a link cut short or edited by hand can turn it into.
 */
export async function decodePointsParam(text: string): Promise<QuantisedPoints> {
  const damaged = (why: string) => new RangeError(`the points parameter is damaged: ${why}`);
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw damaged("it holds characters other than base64url");
  // The one length base64 never has (a lone sixth of a byte left over): what cutting a link short makes.
  if (text.length % 4 === 1) {
    throw damaged(`it is cut short: base64url text is never one more than a multiple of 4 characters long, and this is ${text.length}`);
  }
  const packed = fromBase64(text.replace(/-/g, "+").replace(/_/g, "/"));
  let bytes: Uint8Array;
  try {
    bytes = await streamBytes(through(packed, new DecompressionStream("deflate-raw")), MAX_INFLATED);
  } catch (error) {
    throw damaged(error instanceof RangeError ? error.message : "it does not unpack (cut short?)");
  }
  let offset = 0;
  const readVarint = () => {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (offset >= bytes.length) throw damaged("it ends early");
      const byte = bytes[offset++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw damaged("a number in it is too long");
  };
  if (bytes[offset++] !== FORMAT_VERSION) throw damaged(`it is not format ${FORMAT_VERSION}`);
  const n = readVarint();
  if (n < 1 || n > MAX_POINTS) throw damaged(`it counts ${n} points, not 1 to ${MAX_POINTS}`);
  const points = new Int16Array(2 * n);
  for (const axis of [0, 1]) {
    let value = 0;
    for (let i = axis; i < points.length; i += 2) {
      value += unzigzag(readVarint());
      if (Math.abs(value) > PLANE_UNITS) throw damaged(`a coordinate lies outside ±${HALF_WIDTH}`);
      points[i] = value;
    }
  }
  if (offset !== bytes.length) throw damaged("it has bytes after its points");
  return points;
}
