/**
 * Raster images as diffusion sees them: an RGBA pixel buffer in, one signed value per colour channel out.
 *
 * Ho et al. (2020, §3.3) scale pixel values linearly from {0, …, 255} to [−1, 1], so that data and the
 * N(0, I) noise live on the same scale. Alpha is not part of the signal: every pixel is drawn opaque.
 */

/** The layout of the browser's ImageData: row-major, 4 bytes (R, G, B, A) per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The largest side an image can have, here and in the browser's canvas limits alike. */
export const MAX_SIDE = 4096;

function checkImage(image: RgbaImage): void {
  const { width, height, data } = image;
  for (const [name, side] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(side) || side < 1 || side > MAX_SIDE) {
      throw new RangeError(`${name} must be an integer from 1 to ${MAX_SIDE}, got ${side}`);
    }
  }
  if (data.length !== 4 * width * height) {
    throw new RangeError(`data must hold 4 bytes per pixel (${4 * width * height}), got ${data.length}`);
  }
}

/** x_0 of an image: R, G, B of each pixel in turn, v ↦ v / 127.5 − 1. */
export function toSignal(image: RgbaImage): Float64Array {
  checkImage(image);
  const { data } = image;
  const pixels = image.width * image.height;
  const x = new Float64Array(3 * pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) x[3 * p + c] = data[4 * p + c] / 127.5 - 1;
  }
  return x;
}

/**
 * The image a signal shows: x ↦ round((x + 1) · 127.5), clipped to [0, 255], opaque. Noisy values fall
 * outside [−1, 1]; clipping is only for display, the signal itself is never changed. Writes into `out`
 * when given (its length must be 4 · width · height), so an animation can reuse one buffer.
 */
export function toRgba(x: ArrayLike<number>, width: number, height: number, out?: Uint8ClampedArray): RgbaImage {
  const data = out ?? new Uint8ClampedArray(4 * width * height);
  checkImage({ width, height, data });
  const pixels = width * height;
  if (x.length !== 3 * pixels) throw new RangeError(`x must hold 3 values per pixel (${3 * pixels}), got ${x.length}`);
  for (let p = 0; p < pixels; p++) {
    // Uint8ClampedArray rounds half to even and clips, which is what display wants.
    for (let c = 0; c < 3; c++) data[4 * p + c] = (x[3 * p + c] + 1) * 127.5;
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

/**
 * The size of an image shrunk to fit within `maxSide` on both sides, aspect ratio kept (up to rounding,
 * never below 1 pixel); images that already fit keep their size.
 */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  for (const [name, value] of [["width", width], ["height", height], ["maxSide", maxSide]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.min(maxSide, Math.round(width * scale))),
    height: Math.max(1, Math.min(maxSide, Math.round(height * scale))),
  };
}
