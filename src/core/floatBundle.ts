/**
 * A binary file of named float32 arrays with a JSON header: how build-time samples and trajectories
 * reach the pages (float32 is a quarter the size of the same numbers in JSON, and decodes without parsing).
 *
 *   bytes 0 … 7     "CHISELF1"
 *   bytes 8 … 11    H, the header's length in bytes (uint32, little-endian), a multiple of 4
 *   next H bytes    UTF-8 JSON {meta, arrays: [{name, length}, …]}, padded with spaces
 *   then            each array's float32 values (little-endian) in header order, back to back
 *
 * The data starts at byte 12 + H, a multiple of 4, so decoding makes Float32Array views on the
 * buffer without copying. Every platform we run on (x86, ARM) is little-endian, as typed arrays assume.
 */

const MAGIC = "CHISELF1";
const PREFIX = MAGIC.length + 4;

export interface FloatBundle<M> {
  meta: M;
  arrays: Record<string, Float32Array>;
}

/** Encodes `meta` (anything JSON can hold) and the arrays, each rounded to float32. */
export function encodeBundle(meta: unknown, arrays: Record<string, ArrayLike<number>>): Uint8Array {
  const entries = Object.entries(arrays);
  const index = entries.map(([name, values]) => ({ name, length: values.length }));
  let header = new TextEncoder().encode(JSON.stringify({ meta, arrays: index }));
  const padded = Math.ceil(header.length / 4) * 4;
  if (padded !== header.length) {
    const spaces = new Uint8Array(padded).fill(0x20);
    spaces.set(header);
    header = spaces;
  }
  const total = index.reduce((sum, { length }) => sum + length, 0);
  const out = new Uint8Array(PREFIX + header.length + 4 * total);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, PREFIX);
  const data = new Float32Array(out.buffer, PREFIX + header.length, total);
  let offset = 0;
  for (const [, values] of entries) {
    data.set(values, offset);
    offset += values.length;
  }
  return out;
}

/** Decodes a bundle; the arrays are views on `bytes`' buffer. */
export function decodeBundle<M = unknown>(bytes: ArrayBuffer | Uint8Array): FloatBundle<M> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (view.length < PREFIX || new TextDecoder().decode(view.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new RangeError(`bytes must start with "${MAGIC}" (a chisel float bundle)`);
  }
  const headerLength = new DataView(view.buffer, view.byteOffset, view.length).getUint32(MAGIC.length, true);
  if (headerLength % 4 !== 0 || PREFIX + headerLength > view.length) {
    throw new RangeError(`bytes: header length ${headerLength} must be a multiple of 4 within the ${view.length} bytes`);
  }
  const header = JSON.parse(new TextDecoder().decode(view.subarray(PREFIX, PREFIX + headerLength))) as {
    meta: M;
    arrays: { name: string; length: number }[];
  };
  const total = header.arrays.reduce((sum, { length }) => sum + length, 0);
  const start = PREFIX + headerLength;
  if (start + 4 * total !== view.length) {
    throw new RangeError(`bytes: the header lists ${total} floats, the file holds ${(view.length - start) / 4}`);
  }
  // A view needs a 4-aligned offset into its buffer; copy the rare unaligned input once.
  const aligned = (view.byteOffset + start) % 4 === 0 ? view : view.slice();
  const arrays: Record<string, Float32Array> = {};
  let offset = aligned.byteOffset + start;
  for (const { name, length } of header.arrays) {
    arrays[name] = new Float32Array(aligned.buffer, offset, length);
    offset += 4 * length;
  }
  return { meta: header.meta, arrays };
}
