import { describe, expect, it } from "vitest";
import { HALF_WIDTH, normalisePoints, parseUserData, pointsFormat } from "../../src/core/userData.js";
import { MAX_POINTS } from "../../src/core/settings.js";
import { splitHalfFloor, splitHalves } from "../../src/core/splitHalf.js";

/** The largest |x| or |y| and the mean of interleaved points. */
function extent(points: Float64Array) {
  const n = points.length / 2;
  let reach = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    reach = Math.max(reach, Math.abs(points[2 * i]), Math.abs(points[2 * i + 1]));
    sx += points[2 * i];
    sy += points[2 * i + 1];
  }
  return { reach, mean: [sx / n, sy / n] };
}

describe("parseUserData: CSV", () => {
  it("reads x,y rows with a header, CRLF line ends and blank trailing lines", () => {
    const data = parseUserData("x,y\r\n0,0\r\n4,0\r\n4,2\r\n0,2\r\n\r\n\r\n");
    expect(data.format).toBe("csv");
    expect(data.points.length).toBe(8);
    // Centre (2, 1); the widest centred coordinate is 2, scaled to 1.5.
    expect(data.normalisation).toEqual({ centre: [2, 1], scale: 0.75 });
    expect(Array.from(data.points)).toEqual([-1.5, -0.75, 1.5, -0.75, 1.5, 0.75, -1.5, 0.75]);
  });

  it("takes rows without a header, and the same rows give the same points as JSON", () => {
    const csv = parseUserData("1,2\n3,5\n-1,0.5\n");
    const json = parseUserData("[[1, 2], [3, 5], [-1, 0.5]]");
    expect(json.format).toBe("json");
    expect(Array.from(json.points)).toEqual(Array.from(csv.points));
    expect(json.normalisation).toEqual(csv.normalisation);
    expect(parseUserData('{"points": [[1, 2], [3, 5], [-1, 0.5]]}').points).toEqual(csv.points);
  });

  it("refuses a bad row with one line naming the line and the problem", () => {
    expect(() => parseUserData("x,y\n1,2\n3,abc\n")).toThrow(/^points: line 3, column 2 is "abc", need a finite decimal number$/);
    expect(() => parseUserData("1,2\n3\n")).toThrow(/^points: line 2 has 1 column, need exactly 2 \(x,y\)$/);
    expect(() => parseUserData("1,2\n3,4,5\n")).toThrow(/line 2 has 3 columns/);
    expect(() => parseUserData("[[1, 2], [3]]")).toThrow(/^points: points\[1\] has 1 value, need exactly 2 numbers \[x, y\]$/);
  });

  it("refuses non-finite and out-of-range numbers rather than dropping them", () => {
    for (const bad of ["NaN", "Infinity", "-Infinity", "1e999", "inf"]) {
      expect(() => parseUserData(`1,2\n${bad},3\n`)).toThrow(/line 2, column 1/);
    }
    expect(() => parseUserData("1,2\n2e150,3\n")).toThrow(/within ±1e150/);
    expect(() => parseUserData("[[1, 2], [null, 3]]")).toThrow(/points\[1\]\[0\] is null, need a finite number/);
  });

  it("holds at most MAX_POINTS rows, and says so", () => {
    const rows = Array.from({ length: MAX_POINTS + 1 }, (_, i) => `${i},${i % 7}`).join("\n");
    expect(() => parseUserData(rows)).toThrow(`points: got 100,001 rows, need 1 to 100,000 rows`);
    const most = parseUserData(Array.from({ length: MAX_POINTS }, (_, i) => `${i},${i % 7}`).join("\n"));
    expect(most.points.length).toBe(2 * MAX_POINTS);
  });

  it("needs at least two distinct points", () => {
    expect(() => parseUserData("x,y\n")).toThrow(/got 0 rows/);
    expect(() => parseUserData("3,4\n")).toThrow(/all 1 points are the same point, need at least 2 distinct points/);
    expect(() => parseUserData("3,4\n3,4\n3,4\n")).toThrow(/all 3 points are the same point/);
    expect(parseUserData("3,4\n3,4\n3,5\n").points.length).toBe(6); // repeats are kept: they weigh as drawn
  });
});

describe("normalisePoints", () => {
  it("centres on the mean and scales both axes by one factor so the widest coordinate is ±1.5, as the built-in sets lie", () => {
    const raw = Float64Array.from([100, 10, 140, 10, 120, 11, 120, 9, 100, 12]);
    const { points, normalisation } = normalisePoints(raw);
    const { reach, mean } = extent(points);
    expect(reach).toBeCloseTo(HALF_WIDTH, 12);
    expect(mean[0]).toBeCloseTo(0, 12);
    expect(mean[1]).toBeCloseTo(0, 12);
    // One factor on both axes: the shape keeps its proportions (the x spread is 20× the y spread).
    for (let i = 0; i < raw.length; i++) {
      expect(points[i]).toBeCloseTo((raw[i] - normalisation.centre[i % 2]) * normalisation.scale, 12);
    }
    expect(normalisation.centre).toEqual([116, 10.4]);
    expect(normalisation.scale).toBeCloseTo(1.5 / 24, 15);
  });

  it("refuses a spread too narrow to scale in float64", () => {
    expect(() => normalisePoints(Float64Array.from([0, 0, 1e-320, 0]))).toThrow(/too little to scale/);
  });

  it("tells JSON from CSV by the first non-blank character", () => {
    expect(pointsFormat("  \n[[1,2]]")).toBe("json");
    expect(pointsFormat('{"points": []}')).toBe("json");
    expect(pointsFormat("x,y\n1,2")).toBe("csv");
  });
});

describe("splitHalfFloor", () => {
  it("splits into disjoint halves that hold every point once", () => {
    const points = Float64Array.from(Array.from({ length: 22 }, (_, i) => i));
    const [a, b] = splitHalves(points, 3);
    expect(a.length + b.length).toBe(22);
    const xs = [...Array.from(a).filter((_, i) => i % 2 === 0), ...Array.from(b).filter((_, i) => i % 2 === 0)].sort((p, q) => p - q);
    expect(xs).toEqual(Array.from({ length: 11 }, (_, i) => 2 * i));
  });

  it("refuses fewer points than two halves of k + 1", () => {
    expect(() => splitHalfFloor(new Float64Array(2 * 11), 10, 1)).toThrow(/needs at least 12 points \(6 in each half\), got 11/);
  });
});
