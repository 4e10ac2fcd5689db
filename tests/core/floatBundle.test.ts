/** The float32 bundle format the sampling and trajectories pages' data loaders write. */
import { describe, expect, it } from "vitest";
import { decodeBundle, encodeBundle } from "../../src/core/floatBundle.js";

describe("float bundles", () => {
  it("round-trips the header and float32 arrays of any length", () => {
    const a = Float64Array.from([0.1, -2.5, 1e-8, 3e38]);
    const b = [1, 2, 3];
    // Metadata lengths that leave the header 0, 1, 2 and 3 bytes short of a multiple of 4.
    for (const meta of [{ k: "" }, { k: "a" }, { k: "ab" }, { k: "abc" }]) {
      const bytes = encodeBundle(meta, { a, b, empty: [] });
      expect(bytes.length % 4).toBe(0);
      const { meta: back, arrays } = decodeBundle(bytes);
      expect(back).toEqual(meta);
      expect(Array.from(arrays.a)).toEqual(Array.from(a, Math.fround));
      expect(Array.from(arrays.b)).toEqual(b);
      expect(arrays.empty.length).toBe(0);
    }
  });

  it("decodes from an unaligned view and from an ArrayBuffer", () => {
    const bytes = encodeBundle({ n: 2 }, { x: [1.5, -0.25] });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(Array.from(decodeBundle(shifted.subarray(1)).arrays.x)).toEqual([1.5, -0.25]);
    expect(Array.from(decodeBundle(bytes.slice().buffer).arrays.x)).toEqual([1.5, -0.25]);
  });

  it("refuses other files and truncated ones", () => {
    expect(() => decodeBundle(new TextEncoder().encode("{\"meta\": 1}"))).toThrow(/CHISELF1/);
    const bytes = encodeBundle({}, { x: [1, 2, 3] });
    expect(() => decodeBundle(bytes.subarray(0, bytes.length - 4))).toThrow(/lists 3 floats, the file holds 2/);
  });
});
