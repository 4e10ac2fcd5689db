/**
 * The Fields page's picture (src/components/fieldArrows.ts): its fixed axes compared with a committed
 * snapshot in tests/site/__snapshots__ (UPDATE_SNAPSHOTS=1 writes a missing one and accepts a deliberate
 * change), the arrows as drawn on the canvas, through a context that records its calls, and the panel
 * redrawn in place. The field is the score of N(0, 0.5²I) data at t = 500, −x / (ᾱ·0.25 + 1 − ᾱ): arrows
 * pointing at the origin, longer away from it.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { contextRecorder } from "../support/contextRecorder.js";
import { arrowGrid, arrowLayout, ARROW_FILL } from "../../src/core/arrowGrid.js";
import { makeDataset } from "../../src/core/datasets.js";
import { Rng } from "../../src/core/random.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import type { DotContext } from "../../src/components/dotCanvas.js";
import { drawArrows, fieldAxes, fieldPanel } from "../../src/components/fieldArrows.js";
import { matchSnapshot } from "../support/snapshot.js";

const document = new JSDOM("").window.document;
const schedule = makeSchedule(DEFAULT_SCHEDULE);
const grid = arrowGrid(3, 5);
const alphaBar = schedule.alphaBars[499];
const score = grid.points.map((x) => -x / (alphaBar * 0.25 + 1 - alphaBar));
const layout = arrowLayout(score, grid.cell);
const samples = Float64Array.from(new Rng(3).normals(16), (z) => 0.8 * z);
const data = makeDataset("spiral", { n: 32, seed: 0 });

/** A 2D context that keeps each call as "name a, b, …", numbers to 3 decimals. */

describe("fieldArrows", () => {
  it("keeps the square's frame and plain-number ticks in a fixed SVG (snapshot)", () => {
    const axes = fieldAxes(300, grid.extent, document);
    // Tick labels are plain numbers, never "2k" or "500m".
    const ticks = [...axes.querySelectorAll('g[aria-label$="tick label"] text')].map((t) => t.textContent);
    expect(ticks).toContain("−2");
    for (const tick of ticks) expect(tick).toMatch(/^−?\d+$/);
    expect(axes.querySelectorAll("circle").length).toBe(0);
    matchSnapshot("fields-axes.svg", axes);
  });

  it("draws each arrow centred on its point with a head at its tip, and none where the field is zero", () => {
    // On a 100 px area showing ±2: 25 px a unit. One arrow at the origin, 2 units long, pointing right
    // (90° clockwise from up); one of zero length.
    const area = { width: 100, height: 100, extent: 2 };
    const context = contextRecorder();
    drawArrows(context, area, [0, 0, 1, 1], { length: Float64Array.of(2, 0), angle: Float64Array.of(90, 0), reference: 1, capped: 0 }, { stroke: "k", opacity: 0.5, width: 2 });
    const head = 5 * Math.cos(Math.PI / 7);
    const wing = 5 * Math.sin(Math.PI / 7);
    expect(context.calls).toEqual([
      "beginPath",
      "moveTo 25, 50", "lineTo 75, 50",
      `moveTo ${+(75 - head).toFixed(3)}, ${+(50 - wing).toFixed(3)}`, "lineTo 75, 50",
      `moveTo ${+(75 - head).toFixed(3)}, ${+(50 + wing).toFixed(3)}`, "lineTo 75, 50",
      "stroke k at 0.5 width 2",
    ]);
  });

  it("draws the score's arrows pointing at the origin, the longest tenth at the fill of a cell", () => {
    // The centre arrow has zero length; the corners' (the 90th percentile of |score|) fill ARROW_FILL of a cell.
    expect(layout.length[12]).toBe(0);
    expect(Math.max(...layout.length)).toBeCloseTo(ARROW_FILL * grid.cell, 12);
    // The top-left corner's arrow points down and to the right, at the origin: 135° clockwise from up.
    expect(layout.angle[0]).toBeCloseTo(135, 12);
    const context = contextRecorder();
    drawArrows(context, { width: 300, height: 300, extent: 3 }, grid.points, layout, { stroke: "k", opacity: 1, width: 1 });
    expect(context.calls.filter((c) => c.startsWith("moveTo")).length).toBe(3 * 24);
  });

  it("is made once with its canvas under the axes, and redrawn in place, described for screen readers", () => {
    // jsdom measures nothing: the panel takes its fixed size, and its canvas sits on the plot area.
    const panel = fieldPanel({ grid, data, size: 300, document });
    const canvas = panel.querySelector("canvas")!;
    expect([canvas.style.left, canvas.style.top]).toEqual(["32px", "8px"]);
    expect([canvas.width, canvas.height]).toEqual([300 - 32 - 8, 300 - 8 - 28]);
    const exact = arrowLayout(score.map((v) => 2 * v), grid.cell, { reference: layout.reference });
    panel.draw({ layout, exact, samples, ariaDescription: "score at t = 500" });
    const svg = panel.querySelector("svg")!;
    expect(svg.getAttribute("aria-description")).toBe("score at t = 500");
    panel.draw({ layout, ariaDescription: "score at t = 500, no points" });
    expect(panel.querySelector("svg")).toBe(svg);
    expect(svg.getAttribute("aria-description")).toBe("score at t = 500, no points");
  });

  it("refuses a layout that does not fit the grid, and points of odd length", () => {
    const panel = fieldPanel({ grid: arrowGrid(3, 4), document });
    expect(() => panel.draw({ layout })).toThrow(/layout must have one arrow per grid point \(16\), got 25/);
    const fitting = fieldPanel({ grid, document });
    expect(() => fitting.draw({ layout, exact: arrowLayout([1, 0], 1) })).toThrow(/exact must have one arrow per grid point \(25\), got 1/);
    expect(() => fitting.draw({ layout, samples: [1, 2, 3] })).toThrow(/samples must have an even length, got 3/);
    expect(() => fieldPanel({ grid, data: [1, 2, 3], document })).toThrow(/data must have an even length, got 3/);
  });
});
