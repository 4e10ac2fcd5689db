/**
 * The Fields page's picture (src/components/fieldArrows.ts): what it draws for a small grid, checked by
 * hand, and its SVG compared with a committed snapshot in tests/site/__snapshots__ (UPDATE_SNAPSHOTS=1
 * writes a missing one and accepts a deliberate change). The field is the score of N(0, 0.5²I) data at
 * t = 500, −x / (ᾱ·0.25 + 1 − ᾱ): arrows pointing at the origin, longer away from it.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { arrowGrid, arrowLayout } from "../../src/core/arrowGrid.js";
import { makeDataset } from "../../src/core/datasets.js";
import { Rng } from "../../src/core/random.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import { fieldArrows } from "../../src/components/fieldArrows.js";
import { matchSnapshot } from "../support/snapshot.js";

const document = new JSDOM("").window.document;
const schedule = makeSchedule(DEFAULT_SCHEDULE);
const grid = arrowGrid(3, 5);
const alphaBar = schedule.alphaBars[499];
const score = grid.points.map((x) => -x / (alphaBar * 0.25 + 1 - alphaBar));
const layout = arrowLayout(score, grid.cell);
const samples = Float64Array.from(new Rng(3).normals(16), (z) => 0.8 * z);
const data = makeDataset("spiral", { n: 32, seed: 0 });

describe("fieldArrows", () => {
  it("draws one arrow per grid point, the data beneath and the samples on top (snapshot)", () => {
    const plot = fieldArrows({ grid, layout, samples, data, size: 300, document });
    expect(plot.querySelectorAll(".field-learned path").length).toBe(25);
    expect(plot.querySelectorAll(".field-samples circle").length).toBe(8);
    expect(plot.querySelectorAll("circle").length).toBe(8 + 32);
    // The centre arrow has zero length; the corners' (the 90th percentile of |score|) fill 0.9 of a cell.
    expect(layout.length[12]).toBe(0);
    expect(Math.max(...layout.length)).toBeCloseTo(0.9 * grid.cell, 12);
    // Tick labels are plain numbers, never "2k" or "500m".
    const ticks = [...plot.querySelectorAll('g[aria-label$="tick label"] text')].map((t) => t.textContent);
    expect(ticks).toContain("−2");
    for (const tick of ticks) expect(tick).toMatch(/^−?\d+$/);
    matchSnapshot("fields-arrows.svg", plot);
  });

  it("draws the exact field beneath the learned one, in its own colour", () => {
    const exact = arrowLayout(score.map((v) => 2 * v), grid.cell, { reference: layout.reference });
    const plot = fieldArrows({ grid, layout, exact, size: 300, document });
    const marks = [...plot.querySelectorAll("g")].map((g) => g.getAttribute("class")).filter((c) => c?.startsWith("field-"));
    expect(marks).toEqual(["field-exact", "field-learned"]);
    expect(plot.querySelectorAll(".field-exact path").length).toBe(25);
    expect(plot.querySelectorAll("circle").length).toBe(0);
  });

  it("refuses a layout that does not fit the grid, and points of odd length", () => {
    expect(() => fieldArrows({ grid: arrowGrid(3, 4), layout, document })).toThrow(/layout must have one arrow per grid point \(16\), got 25/);
    expect(() => fieldArrows({ grid, layout, samples: [1, 2, 3], document })).toThrow(/samples must have an even length, got 3/);
  });
});
