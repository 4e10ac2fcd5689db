import { describe, expect, it } from "vitest";
import { DATASET_NAMES, type DatasetName, fromPairs, makeDataset, toPairs } from "../../src/core/datasets.js";
import { parsePoints } from "../../src/core/points.js";

function mean(points: Float64Array): [number, number] {
  const n = points.length / 2;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += points[2 * i];
    y += points[2 * i + 1];
  }
  return [x / n, y / n];
}

function std(points: Float64Array): [number, number] {
  const [mx, my] = mean(points);
  const n = points.length / 2;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += (points[2 * i] - mx) ** 2;
    y += (points[2 * i + 1] - my) ** 2;
  }
  return [Math.sqrt(x / n), Math.sqrt(y / n)];
}

describe("makeDataset", () => {
  it.each(DATASET_NAMES)("%s is deterministic per seed, different across seeds, finite, default n = 2048", (name) => {
    const a = makeDataset(name, { seed: 3 });
    const b = makeDataset(name, { seed: 3 });
    const c = makeDataset(name, { seed: 4 });
    expect(a.length).toBe(2 * 2048);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(makeDataset(name)).toEqual(makeDataset(name, { seed: 0 }));
    expect(a.every(Number.isFinite)).toBe(true);
    expect(makeDataset(name, { n: 7 }).length).toBe(14);
  });

  it.each(DATASET_NAMES)("%s is zero-mean and unit-ish in scale", (name) => {
    const points = makeDataset(name, { n: 20000, seed: 1 });
    const [mx, my] = mean(points);
    const [sx, sy] = std(points);
    // Every std is below 0.9, so with n = 20000 the standard error of a mean is < 0.007.
    expect(Math.abs(mx)).toBeLessThan(0.035);
    expect(Math.abs(my)).toBeLessThan(0.035);
    for (const s of [sx, sy]) {
      expect(s).toBeGreaterThan(0.45);
      expect(s).toBeLessThan(0.9);
    }
    expect(Math.max(...points.map(Math.abs))).toBeLessThan(2.5);
  });

  it("spiral without noise lies on r = aθ with radius ≤ 1.5 about the documented centroid", () => {
    const turns = 2;
    const M = 2 * Math.PI * turns;
    const a = 1.5 / M;
    // Centroid for 2 turns, by hand: (2a/M²)·(8π, −16π²) = (3/(8π²), −3/(4π)).
    const cx = 3 / (8 * Math.PI ** 2);
    const cy = -3 / (4 * Math.PI);
    const points = makeDataset("spiral", { n: 500, noise: 0, turns });
    for (let i = 0; i < 500; i++) {
      const x = points[2 * i] + cx;
      const y = points[2 * i + 1] + cy;
      const r = Math.hypot(x, y);
      expect(r).toBeLessThanOrEqual(1.5 + 1e-12);
      const theta = r / a; // the curve's own angle at this radius
      expect(Math.abs(x - r * Math.cos(theta)) + Math.abs(y - r * Math.sin(theta))).toBeLessThan(1e-9);
    }
    // θ = M√u makes the radius r = 1.5√u, so P(r ≤ 0.75) = 1/4.
    const inner = makeDataset("spiral", { n: 20000, noise: 0, seed: 5 });
    let count = 0;
    for (let i = 0; i < 20000; i++) if (Math.hypot(inner[2 * i] + cx, inner[2 * i + 1] + cy) <= 0.75) count++;
    expect(Math.abs(count / 20000 - 0.25)).toBeLessThan(0.015);
  });

  it("moons, ring, gaussians8 and checkerboard without noise lie on their documented shapes", () => {
    const moons = makeDataset("moons", { n: 400, noise: 0 });
    let upper = 0;
    for (let i = 0; i < 400; i++) {
      const x = moons[2 * i];
      const y = moons[2 * i + 1];
      const onUpper = Math.abs(Math.hypot(x + 0.5, y + 0.25) - 1) < 1e-12 && y >= -0.25 - 1e-12;
      const onLower = Math.abs(Math.hypot(x - 0.5, y - 0.25) - 1) < 1e-12 && y <= 0.25 + 1e-12;
      expect(onUpper || onLower).toBe(true);
      if (onUpper) upper++;
    }
    expect(upper).toBeGreaterThan(160);
    expect(upper).toBeLessThan(240);

    const ring = makeDataset("ring", { n: 400, noise: 0, scale: 1.2 });
    for (let i = 0; i < 400; i++) expect(Math.hypot(ring[2 * i], ring[2 * i + 1])).toBeCloseTo(1.2, 12);

    const centers = makeDataset("gaussians8", { n: 800, noise: 0 });
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 800; i++) {
      const angle = Math.atan2(centers[2 * i + 1], centers[2 * i]);
      const k = Math.round(angle / (Math.PI / 4));
      expect(Math.hypot(centers[2 * i], centers[2 * i + 1])).toBeCloseTo(1, 12);
      expect(angle - (k * Math.PI) / 4).toBeCloseTo(0, 12);
      counts[(k + 8) % 8]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(60); // 100 expected, sd ≈ 9.4

    const board = makeDataset("checkerboard", { n: 2000 });
    for (let i = 0; i < 2000; i++) {
      const x = board[2 * i];
      const y = board[2 * i + 1];
      expect(Math.abs(x)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(y)).toBeLessThanOrEqual(1.5);
      const parity = Math.floor(x / 0.75) + Math.floor(y / 0.75);
      expect(((parity % 2) + 2) % 2).toBe(0);
    }
  });

  it("blob has std 0.5 and noise adds in quadrature", () => {
    const [sx, sy] = std(makeDataset("blob", { n: 20000, seed: 2 }));
    expect(Math.abs(sx - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(sy - 0.5)).toBeLessThan(0.015);
    const [nx] = std(makeDataset("blob", { n: 20000, seed: 2, noise: 1.2 }));
    expect(Math.abs(nx - 1.3)).toBeLessThan(0.04); // √(0.5² + 1.2²) = 1.3
  });

  it("scale multiplies the clean shape exactly", () => {
    for (const name of DATASET_NAMES) {
      const unit = makeDataset(name, { noise: 0, n: 50 });
      const double = makeDataset(name, { noise: 0, n: 50, scale: 2 });
      expect(double).toEqual(unit.map((v) => 2 * v));
    }
  });

  it("rejects bad options with a RangeError naming the option", () => {
    expect(() => makeDataset("nope" as DatasetName)).toThrow(/dataset must be one of spiral, blob/);
    expect(() => makeDataset("ring", { n: 0 })).toThrow(/n must be an integer from 1 to 100000, got 0/);
    expect(() => makeDataset("ring", { n: 100_001 })).toThrow(RangeError);
    expect(() => makeDataset("ring", { n: 2.5 })).toThrow(/n must be/);
    expect(() => makeDataset("ring", { seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(() => makeDataset("ring", { noise: -0.1 })).toThrow(/noise must be a number in \[0, 1.5\], got -0.1/);
    expect(() => makeDataset("ring", { noise: NaN })).toThrow(/noise/);
    expect(() => makeDataset("spiral", { turns: 0 })).toThrow(/turns must be in \(0, 10\]/);
    expect(() => makeDataset("spiral", { turns: 11 })).toThrow(/turns/);
    expect(() => makeDataset("ring", { scale: 0 })).toThrow(/scale must be a finite number > 0/);
  });
});

describe("parsePoints", () => {
  it("reads CSV with or without a header, CRLF, blank lines and spaces", () => {
    expect(parsePoints("x,y\r\n1,2\r\n-3.5e-1, .5\r\n\r\n", "csv")).toEqual(new Float64Array([1, 2, -0.35, 0.5]));
    expect(parsePoints("\n  X , Y\n+4,5.\n", "csv")).toEqual(new Float64Array([4, 5]));
    expect(parsePoints("0,0", "csv")).toEqual(new Float64Array([0, 0]));
  });

  it("reads JSON arrays and {points}", () => {
    expect(parsePoints("[[1, 2], [3.5, -4e2]]", "json")).toEqual(new Float64Array([1, 2, 3.5, -400]));
    expect(parsePoints('{"points": [[0, 1]]}', "json")).toEqual(new Float64Array([0, 1]));
  });

  const bad: [string, string, "csv" | "json", RegExp][] = [
    ["3 columns", "x,y\n1,2\n1,2,3", "csv", /line 3 has 3 columns, need exactly 2 \(x,y\)/],
    ["1 column", "1", "csv", /line 1 has 1 column, need exactly 2/],
    ["a word", "1,abc", "csv", /line 1, column 2 is "abc", need a finite decimal number/],
    ["an empty cell", "1,2\n,3", "csv", /line 2, column 1 is "", need a finite decimal number/],
    ["NaN", "NaN,1", "csv", /line 1, column 1 is "NaN"/],
    ["Infinity", "1,Infinity", "csv", /column 2 is "Infinity"/],
    ["an overflow", "1e999,1", "csv", /column 1 is "1e999", need a finite/],
    ["hex", "0x10,1", "csv", /column 1 is "0x10"/],
    ["a header after data", "1,2\nx,y", "csv", /line 2, column 1 is "x"/],
    ["no rows", "x,y\n\n", "csv", /got 0 rows, need 1 to 100,000 rows/],
    ["empty text", "", "csv", /got 0 rows, need 1 to 100,000 rows/],
    ["invalid JSON", "[[1, 2]", "json", /invalid JSON \(.*\), need \[\[x, y\], …\]/],
    ["a wrong shape", '{"pts": [[1, 2]]}', "json", /JSON must be \[\[x, y\], …\] or \{"points"/],
    ["a scalar", "3", "json", /JSON must be/],
    ["3 columns in JSON", "[[1, 2], [1, 2, 3]]", "json", /points\[1\] has 3 values, need exactly 2 numbers/],
    ["a flat array", "[1, 2]", "json", /points\[0\] is 1, need exactly 2 numbers/],
    ["a string cell", '[[1, "2"]]', "json", /points\[0\]\[1\] is "2", need a finite number/],
    ["a null cell", "[[null, 2]]", "json", /points\[0\]\[0\] is null, need a finite number/],
    ["a JSON overflow", "[[1, 1e999]]", "json", /points\[0\]\[1\] is Infinity, need a finite number/],
    ["an empty JSON array", "[]", "json", /got 0 rows, need 1 to 100,000 rows/],
  ];
  it.each(bad)("rejects %s with a one-line RangeError", (_label, text, format, message) => {
    let error: unknown;
    try {
      parsePoints(text, format);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("accepts 100,000 rows and rejects 100,001 in both formats", () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i},${-i}`);
    const points = parsePoints(rows.join("\n"), "csv");
    expect(points.length).toBe(200_000);
    expect(points[199_999]).toBe(-99_999);
    expect(() => parsePoints([...rows, "1,1"].join("\n"), "csv")).toThrow(
      /got 100,001 rows, need 1 to 100,000 rows/,
    );
    const pairs = JSON.stringify(Array.from({ length: 100_001 }, () => [0, 0]));
    expect(() => parsePoints(pairs, "json")).toThrow(/got 100,001 rows, need 1 to 100,000 rows/);
  });

  it("rejects an unknown format", () => {
    expect(() => parsePoints("1,2", "tsv" as "csv")).toThrow(/format must be "csv" or "json", got tsv/);
  });
});

describe("toPairs / fromPairs", () => {
  it("round-trip", () => {
    const points = new Float64Array([1, 2, 3, 4, -5, 6]);
    expect(toPairs(points)).toEqual([[1, 2], [3, 4], [-5, 6]]);
    expect(fromPairs(toPairs(points))).toEqual(points);
    expect(() => toPairs(new Float64Array(3))).toThrow(/even length/);
  });
});
