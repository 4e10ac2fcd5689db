/**
 * The points codec of shared links (src/core/pointsUrl.ts): a drawn set survives encode → decode
 * exactly, the CSV holds exactly the quantised numbers, the parameter stays within its stated limit for
 * a typical drawing, and damaged parameters are refused with one line.
 */
import { describe, expect, it } from "vitest";
import {
  decodePointsParam,
  encodePointsParam,
  pointsCsv,
  POINTS_URL_MAX_CHARS,
  quantisePoints,
} from "../../src/core/pointsUrl.js";
import { Rng } from "../../src/core/random.js";
import { parsePoints } from "../../src/core/points.js";

/** A drawing as the canvas makes one: dabs of 5 points within 0.12 of a path, in stroke order. */
function drawing(n: number, seed = 1): Float64Array {
  const rng = new Rng(seed);
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const along = (Math.floor(i / 5) * 0.02) % 3 - 1.4;
    const r = 0.12 * Math.sqrt(rng.uniform());
    const angle = 2 * Math.PI * rng.uniform();
    points[2 * i] = along + r * Math.cos(angle);
    points[2 * i + 1] = Math.sin(3 * along) + r * Math.sin(angle);
  }
  return points;
}

describe("points in a link", () => {
  it("survive encode → decode exactly, in order", async () => {
    const quantised = quantisePoints(drawing(1200));
    const param = await encodePointsParam(quantised);
    expect(param).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Array.from(await decodePointsParam(param))).toEqual(Array.from(quantised));
    // Extremes of the plane and negative zero's neighbours.
    const edges = Int16Array.from([-1500, 1500, 1500, -1500, 0, -1, 1, 0]);
    expect(Array.from(await decodePointsParam(await encodePointsParam(edges)))).toEqual(Array.from(edges));
  });

  it("round to thousandths, clamped to the ±1.5 plane", () => {
    expect(Array.from(quantisePoints(Float64Array.from([0.0004, -0.0006, 1.5000000000000002, -2, 0.1235, 1.2345])))).toEqual([
      0, -1, 1500, -1500, 124, 1235,
    ]);
  });

  it("are written as a CSV that reads back to exactly the quantised values", () => {
    const quantised = Int16Array.from([-5, 1500, 0, -1500, 123, -40]);
    const csv = pointsCsv(quantised);
    expect(csv).toBe("x,y\n-0.005,1.500\n0.000,-1.500\n0.123,-0.040\n");
    expect(Array.from(parsePoints(csv, "csv"))).toEqual(Array.from(quantised, (k) => k / 1000));
  });

  it("fit the stated limit for about 2,000 drawn points", async () => {
    expect((await encodePointsParam(quantisePoints(drawing(2000)))).length).toBeLessThanOrEqual(POINTS_URL_MAX_CHARS);
    expect((await encodePointsParam(quantisePoints(drawing(20_000)))).length).toBeGreaterThan(POINTS_URL_MAX_CHARS);
  });

  it("refuse a damaged parameter in one line", async () => {
    const param = await encodePointsParam(quantisePoints(drawing(300)));
    for (const damaged of ["", "not base64!", param.slice(0, param.length >> 1), `A${param}`, "AAAA"]) {
      await expect(decodePointsParam(damaged)).rejects.toThrow(/^the points parameter is damaged: [^\n]+$/);
    }
  });

  it("say a parameter cut to a length base64url never has is cut short", async () => {
    await expect(decodePointsParam("x")).rejects.toThrow(
      "the points parameter is damaged: it is cut short: base64url text is never one more than a multiple of 4 characters long, and this is 1",
    );
    const param = await encodePointsParam(quantisePoints(drawing(300)));
    const cut = param.slice(0, 4 * Math.floor(param.length / 8) + 1);
    await expect(decodePointsParam(cut)).rejects.toThrow(/^the points parameter is damaged: it is cut short: /);
  });

  it("refuse an empty set or one past MAX_POINTS", async () => {
    await expect(encodePointsParam(new Int16Array(0))).rejects.toThrow(RangeError);
    await expect(encodePointsParam(new Int16Array(2 * 100_001))).rejects.toThrow(RangeError);
  });
});
