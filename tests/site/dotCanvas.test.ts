/**
 * Drawing point clouds on a canvas (src/components/dotCanvas.ts): dots written into a pixel buffer (where
 * they land, their colour and opacity, blending, antialiased edges), shades that hold every point exactly
 * once, and lines through a context that records its calls.
 */
import { describe, expect, it } from "vitest";
import { contextRecorder } from "../support/contextRecorder.js";
import { type DotContext, drawPath, drawRing, drawSegments, type Pixels, rgbOf, shades, stampDots, toPixels } from "../../src/components/dotCanvas.js";

/** A 2D context that keeps each call as "name a, b, …" and each fill's colour and opacity. */

const area = { width: 200, height: 100, extent: 2 };

describe("toPixels", () => {
  it("puts the frame's corners on the plot area's, y up", () => {
    const { x, y } = toPixels(area);
    expect([x(-2), x(0), x(2)]).toEqual([0, 100, 200]);
    expect([y(-2), y(0), y(2)]).toEqual([100, 50, 0]);
  });
});

describe("shades", () => {
  it("puts each point in the band of its value, once, coloured at the band's centre", () => {
    const values = [0, 0.1, 0.5, 0.74, 0.99, 1, -3, 7];
    const { colours, members } = shades(values, [0, 1], (v) => `c${v}`, 4);
    expect(colours).toEqual(["c0.125", "c0.375", "c0.625", "c0.875"]);
    // Values beyond the domain join the end bands.
    expect(members.map((m) => [...m])).toEqual([[0, 1, 6], [], [2, 3], [4, 5, 7]]);
  });

  it("refuses an empty domain", () => {
    expect(() => shades([0], [1, 1], String)).toThrow(/lo < hi/);
  });
});

describe("drawing", () => {
  const points = Float64Array.from([-2, -2, 0, 0, 2, 2]);

  /** A blank w × h buffer, and the RGBA of its pixel (px, py). */
  const blank = (width: number, height: number): Pixels => ({ width, height, data: new Uint8ClampedArray(4 * width * height) });
  const at = (pixels: Pixels, px: number, py: number) => [...pixels.data.subarray(4 * (py * pixels.width + px), 4 * (py * pixels.width + px) + 4)];

  it("reads the colours browsers compute", () => {
    expect(rgbOf("rgb(23, 243, 117)")).toEqual([23, 243, 117]);
    expect(rgbOf("rgba(1, 2, 3, 0.5)")).toEqual([1, 2, 3]);
    expect(rgbOf("#ff8000")).toEqual([255, 128, 0]);
    expect(() => rgbOf("red")).toThrow(/rgb\(…\) or #rrggbb/);
  });

  it("writes a dot at its pixel with its colour and opacity, and nothing far from it", () => {
    // A 10 × 10 area over [−1, 1]²: (0, 0) is the pixel corner (5, 5); a dot of radius 1.5 covers the four pixels round it.
    const pixels = blank(10, 10);
    stampDots(pixels, 1, { width: 10, height: 10, extent: 1 }, [0, 0], { radius: 1.5, fill: "rgb(200, 100, 0)", opacity: 0.5 });
    for (const [px, py] of [[4, 4], [5, 4], [4, 5], [5, 5]]) expect(at(pixels, px, py)).toEqual([200, 100, 0, 128]);
    expect(at(pixels, 7, 5)).toEqual([0, 0, 0, 0]);
    expect(at(pixels, 0, 0)).toEqual([0, 0, 0, 0]);
    // The edge is antialiased: a pixel the disc half covers is half as opaque.
    const edge = at(pixels, 6, 5)[3];
    expect(edge).toBeGreaterThan(0);
    expect(edge).toBeLessThan(128);
  });

  it("blends over what is there, scales by the pixel density, and drops points off the canvas", () => {
    const pixels = blank(20, 20);
    pixels.data.fill(255); // opaque white
    const area = { width: 10, height: 10, extent: 1 };
    stampDots(pixels, 2, area, [0, 0, 5, 5], { radius: 1, fill: "#000000", opacity: 0.5 });
    // Density 2: (0, 0) lands at the device pixel corner (10, 10); half-opaque black over white is mid-grey.
    expect(at(pixels, 10, 10)).toEqual([128, 128, 128, 255]);
    expect(at(pixels, 2, 2)).toEqual([255, 255, 255, 255]);
  });

  it("colours each point by its shade", () => {
    const pixels = blank(10, 10);
    const fill = shades([0.1, 0.9], [0, 1], (v) => (v < 0.5 ? "rgb(255, 0, 0)" : "rgb(0, 0, 255)"), 2);
    stampDots(pixels, 1, { width: 10, height: 10, extent: 1 }, [-0.5, 0.5, 0.5, -0.5], { radius: 0.5, fill, opacity: 1 });
    // (−0.5, 0.5) is the centre of pixel (2, 2); (0.5, −0.5) of pixel (7, 7).
    expect(at(pixels, 2, 2)).toEqual([255, 0, 0, 255]);
    expect(at(pixels, 7, 7)).toEqual([0, 0, 255, 255]);
  });

  it("draws segments, a path and a ring at the mapped positions", () => {
    const context = contextRecorder();
    drawSegments(context, area, points, Float64Array.from([0, 0, 0, 0, 0, 0]), [0, 2], { stroke: "k", opacity: 0.3, width: 1 });
    drawPath(context, area, points, { stroke: "p", opacity: 0.6, width: 2 });
    drawRing(context, area, [0, 0], { radius: 6, stroke: "r", opacity: 1, width: 2 });
    expect(context.calls).toEqual([
      "beginPath", "moveTo 0, 100", "lineTo 100, 50", "moveTo 200, 0", "lineTo 100, 50", "stroke k at 0.3 width 1",
      "beginPath", "moveTo 0, 100", "lineTo 100, 50", "lineTo 200, 0", "stroke p at 0.6 width 2",
      "beginPath", "arc 100, 50, 6, 0, 6.283", "stroke r at 1 width 2", // a full turn, 2π
    ]);
  });

  it("draws nothing for a path of one position", () => {
    const context = contextRecorder();
    drawPath(context, area, [1, 1], { stroke: "p", opacity: 1, width: 1 });
    expect(context.calls).toEqual([]);
  });
});
