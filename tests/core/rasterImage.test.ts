import { describe, expect, it } from "vitest";
import { fitWithin, toRgba, toSignal } from "../../src/core/rasterImage.js";

describe("raster images", () => {
  it("maps bytes to [−1, 1] and back exactly, dropping alpha", () => {
    const data = new Uint8ClampedArray(4 * 256);
    for (let v = 0; v < 256; v++) data.set([v, 255 - v, v, v % 7], 4 * v);
    const x = toSignal({ width: 256, height: 1, data });
    expect(x.length).toBe(3 * 256);
    expect([x[0], x[1], x[3 * 255]]).toEqual([-1, 1, 1]);
    expect(x[3 * 51]).toBeCloseTo(51 / 127.5 - 1, 15);
    const back = toRgba(x, 256, 1).data;
    for (let v = 0; v < 256; v++) expect(Array.from(back.subarray(4 * v, 4 * v + 4))).toEqual([v, 255 - v, v, 255]);
  });

  it("clips noisy values for display only", () => {
    const { data } = toRgba([2, -3, 0, 0.999, -0.999, 1], 2, 1);
    // (0 + 1) · 127.5 = 127.5 rounds half to even (128); 0.999 → 254.87 → 255; −0.999 → 0.1275 → 0.
    expect(Array.from(data)).toEqual([255, 0, 128, 255, 255, 0, 255, 255]);
  });

  it("refuses mismatched sizes", () => {
    expect(() => toSignal({ width: 2, height: 2, data: new Uint8ClampedArray(15) })).toThrow(/data must hold 4 bytes per pixel \(16\), got 15/);
    expect(() => toRgba([0, 0, 0], 2, 1)).toThrow(RangeError);
    expect(() => toSignal({ width: 0, height: 2, data: new Uint8ClampedArray(0) })).toThrow(/width must be an integer/);
  });

  it("fits sizes within a maximum side, keeping the aspect ratio", () => {
    expect(fitWithin(1024, 768, 128)).toEqual({ width: 128, height: 96 });
    expect(fitWithin(300, 1000, 128)).toEqual({ width: 38, height: 128 }); // 300 · 0.128 = 38.4
    expect(fitWithin(64, 50, 128)).toEqual({ width: 64, height: 50 });
    expect(fitWithin(5000, 1, 128)).toEqual({ width: 128, height: 1 });
    expect(() => fitWithin(0, 10, 128)).toThrow(RangeError);
  });
});
