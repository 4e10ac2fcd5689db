import { describe, expect, it } from "vitest";
import { flower, MONDRIAN_COLORS, mondrian, syntheticImage } from "../../src/core/syntheticImages.js";

describe("synthetic images", () => {
  const colorAt = (image: { width: number; data: Uint8ClampedArray }, x: number, y: number) =>
    Array.from(image.data.subarray(4 * (y * image.width + x), 4 * (y * image.width + x) + 3));

  it("paints the Mondrian in its five flat colours at the planned places", () => {
    const image = mondrian(128);
    const palette = new Set(Object.values(MONDRIAN_COLORS).map((c) => c.join()));
    for (let p = 0; p < 128 * 128; p++) {
      expect(palette.has(Array.from(image.data.subarray(4 * p, 4 * p + 3)).join())).toBe(true);
      expect(image.data[4 * p + 3]).toBe(255);
    }
    // Red field top right, blue bottom left, yellow in the bottom-right corner, white top left; bars
    // 4 px thick (128 / 32) centred on u = 0.3 (x = 38.4) and v = 0.7 (y = 89.6).
    expect(colorAt(image, 100, 20)).toEqual([...MONDRIAN_COLORS.red]);
    expect(colorAt(image, 10, 120)).toEqual([...MONDRIAN_COLORS.blue]);
    expect(colorAt(image, 124, 124)).toEqual([...MONDRIAN_COLORS.yellow]);
    expect(colorAt(image, 10, 10)).toEqual([...MONDRIAN_COLORS.white]);
    for (const x of [37, 38, 39]) expect(colorAt(image, x, 60)).toEqual([...MONDRIAN_COLORS.black]);
    for (const y of [88, 89, 90]) expect(colorAt(image, 60, y)).toEqual([...MONDRIAN_COLORS.black]);
    expect(colorAt(image, 35, 60)).toEqual([...MONDRIAN_COLORS.white]);
  });

  it("paints the flower in smooth gradients, the Mondrian in flat fields with hard edges", () => {
    const summary = (image: { width: number; data: Uint8ClampedArray }) => {
      const colors = new Set<string>();
      let pairs = 0;
      let jumps = 0; // horizontal neighbours more than 100 apart in some channel
      for (let y = 0; y < image.width; y++) {
        for (let x = 0; x < image.width; x++) {
          const b = colorAt(image, x, y);
          colors.add(b.join());
          if (x === 0) continue;
          const a = colorAt(image, x - 1, y);
          pairs++;
          if (a.some((v, c) => Math.abs(v - b[c]) > 100)) jumps++;
        }
      }
      return { colors: colors.size, jumps: jumps / pairs };
    };
    const image = flower(128);
    const soft = summary(image);
    const hard = summary(mondrian(128));
    expect(hard.colors).toBe(5);
    expect(soft.colors).toBeGreaterThan(500);
    // The Mondrian's full-height bar alone has two edges in every row (2 / 127 of the pairs); the
    // flower's outlines are smoothed over two pixels, so big jumps are rare.
    expect(hard.jumps).toBeGreaterThan(0.015);
    expect(soft.jumps).toBeLessThan(0.005);
    // Heart at the head centre (64, 51): yellow; sky at the top: blue dominant; grass at the bottom: green.
    const [r, g, b] = colorAt(image, 64, 51);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeGreaterThan(150);
    expect(b).toBeLessThan(100);
    const sky = colorAt(image, 5, 2);
    expect(sky[2]).toBeGreaterThan(sky[0]);
    const grass = colorAt(image, 5, 125);
    expect(grass[1]).toBeGreaterThan(grass[0] + 40);
  });

  it("is deterministic and refuses bad sizes and names", () => {
    expect(Array.from(syntheticImage("flower", 16).data)).toEqual(Array.from(flower(16).data));
    expect(() => mondrian(7)).toThrow(/size must be an integer from 8 to 1024, got 7/);
    // @ts-expect-error: a name from outside the list, as a URL could give
    expect(() => syntheticImage("mona", 16)).toThrow(RangeError);
  });
});
