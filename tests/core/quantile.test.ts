/** The nearest-rank quantile the field statistics take their medians with, and the arrays the views pack. */
import { describe, expect, it } from "vitest";
import { concatArrays } from "../../src/core/concatArrays.js";
import { quantile } from "../../src/core/quantile.js";

describe("quantile", () => {
  it("takes the nearest-rank quantile, NaNs ignored", () => {
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile([5, 1, 4, 2, 3], 1)).toBe(5);
    expect(quantile([5, 1, 4, 2, 3], 0)).toBe(1);
    expect(quantile([NaN, 2, 1], 0.5)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("concatArrays", () => {
  it("lays arrays end to end", () => {
    expect([...concatArrays([Float64Array.of(1, 2), new Float64Array(0), Float64Array.of(3)])]).toEqual([1, 2, 3]);
    expect(concatArrays([]).length).toBe(0);
  });
});
