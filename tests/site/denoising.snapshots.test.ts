/**
 * The denoising and training-T pages' components: the numbers they print, checked against hand values,
 * and their SVG/HTML output compared with committed snapshots in tests/site/__snapshots__
 * (UPDATE_SNAPSHOTS=1 writes missing ones and accepts deliberate changes). Inputs are small and seeded.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { noiseError } from "../../src/core/denoisingTask.js";
import { qSample } from "../../src/core/forward.js";
import { Rng } from "../../src/core/random.js";
import { reverseStepNumbers } from "../../src/core/reverseStep.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import { denoisingPanel, outside, scatterAxes } from "../../src/components/denoisingScatter.js";
import { angles } from "../../src/components/pointCloud.js";
import { predictorTable } from "../../src/components/predictorTable.js";
import { reverseStepTable } from "../../src/components/reverseStepTable.js";
import { meanSd, sampleGrid } from "../../src/components/sampleGrid.js";
import { moveLiveLoss, timestepLossPlot } from "../../src/components/timestepLoss.js";
import { matchSnapshot } from "../support/snapshot.js";

const document = new JSDOM("").window.document;


const schedule = makeSchedule(DEFAULT_SCHEDULE);
const x0 = makeDataset("spiral", { n: 64, seed: 0 });
const eps = new Rng(1).normals(x0.length);
const { xt } = qSample(schedule, x0, 99, eps);
const metrics = (swd: number, sd: number) => ({
  swd: { mean: swd, sd },
  mmd: { mean: swd / 10, sd: sd / 10 },
  precision: { mean: 0.9, sd: 0.01 },
  coverage: { mean: 0.7, sd: 0 },
});

describe("denoisingPanel", () => {
  it("counts the points outside the frame by hand", () => {
    // (0, 0) in; (2, 0) on the edge, in; (0, −2.5) and (3, 3) out; NaN is never inside.
    expect(outside(Float64Array.from([0, 0, 2, 0, 0, -2.5, 3, 3, NaN, 0]), 2)).toBe(3);
  });

  it("draws its axes once, with the canvas for the dots under them (snapshot)", () => {
    matchSnapshot("denoising-scatter.svg", scatterAxes(240, 3.5, "ε̂ x", "ε̂ y", document));
    // jsdom measures nothing: the panel takes its fixed size, and its canvas sits on the plot area.
    const panel = denoisingPanel({ hue: angles(x0), background: x0, links: { from: x0, indices: [0, 16] }, size: 240, document });
    const canvas = panel.querySelector("canvas")!;
    expect(canvas.style.left).toBe("36px");
    expect(canvas.style.top).toBe("10px");
    expect([canvas.width, canvas.height]).toEqual([240 - 36 - 10, 240 - 10 - 32]);
    expect(panel.querySelectorAll("svg circle").length).toBe(0);
  });

  it("takes each drawing's description, and refuses a highlight outside the points and mismatched links", () => {
    const panel = denoisingPanel({ hue: angles(x0), links: { from: x0, indices: [0] }, document });
    panel.draw({ points: xt, highlight: 5, ariaDescription: "x_t at t = 100" });
    expect(panel.querySelector("svg")!.getAttribute("aria-description")).toBe("x_t at t = 100");
    expect(() => panel.draw({ points: xt, highlight: 64 })).toThrow(/highlight must be an integer from 0 to 63/);
    expect(() => panel.draw({ points: xt.subarray(2) })).toThrow(/hue must have one value per point/);
    const unlinked = denoisingPanel({ links: { from: x0.subarray(2), indices: [0] }, document });
    expect(() => unlinked.draw({ points: xt })).toThrow(/links.from/);
  });
});

describe("timestepLossPlot", () => {
  it("draws the curves, held-out buckets and the live point (snapshot)", () => {
    const curve = { t: [1, 10, 100, 500, 1000], model: [0.9, 0.8, 0.7, 0.04, 2e-4], oracle: [0.6, 0.75, 0.69, 0.04, 1e-5], zeros: 0.98 };
    const buckets = [{ from: 0, to: 500, loss: 0.5 }, { from: 500, to: 1000, loss: 0.01 }];
    const plot = timestepLossPlot(curve, { buckets, current: { t: 100, model: 0.7, blend: 0.9, q: 0.5 }, width: 600, document });
    expect(plot.textContent).toContain("ε̂ = 0: 0.98");
    matchSnapshot("denoising-loss.html", plot);
  });

  it("moves the live values in place: one rule, dot and diamond, at the scales' positions", () => {
    const curve = { t: [1, 500, 1000], model: [0.9, 0.04, 2e-4], oracle: [0.6, 0.04, 1e-5], zeros: 0.98 };
    const plot = timestepLossPlot(curve, { live: true, width: 600, document });
    expect(plot.textContent).toContain("q · oracle (live)");
    expect(plot.querySelector(".live-loss")).toBeNull();
    moveLiveLoss(plot, { t: 100, model: 0.7, blend: 0.9, q: 0.5 });
    moveLiveLoss(plot, { t: 500, model: 0.04, blend: 1e-9, q: 0 });
    expect(plot.querySelectorAll(".live-loss").length).toBe(1);
    const [rule, dot, diamond] = plot.querySelector(".live-loss")!.children;
    const x = plot.scale("x")!.apply(500) as number;
    expect(Number(rule.getAttribute("x1"))).toBeCloseTo(x, 9);
    expect(Number(dot.getAttribute("cx"))).toBeCloseTo(x, 9);
    expect(Number(dot.getAttribute("cy"))).toBeCloseTo(plot.scale("y")!.apply(0.04) as number, 9);
    // Below the chart's floor of 10⁻⁶ the diamond sits on the floor.
    expect(diamond.getAttribute("transform")).toBe(`translate(${x},${plot.scale("y")!.apply(1e-6)})`);
  });

  it("refuses curves of mismatched length", () => {
    expect(() => timestepLossPlot({ t: [1, 2], model: [1], oracle: [1, 2], zeros: 1 }, { document })).toThrow(RangeError);
  });
});

describe("predictorTable", () => {
  it("prints each predictor's error per point and per coordinate (snapshot)", () => {
    // ε̂ = 0 against ε = (3, 4): ‖ε‖² = 25 per point, 12.5 per coordinate.
    const zeros = noiseError(new Float64Array(2), Float64Array.from([3, 4]));
    const table = predictorTable([
      { key: "zeros", label: "zeros (ε̂ = 0)", error: zeros },
      { key: "half", label: "half", error: noiseError(Float64Array.from([1.5, 2]), Float64Array.from([3, 4])) },
    ], { document });
    const cell = (key: string, name: string) => table.querySelector(`tr[data-predictor=${key}] .${name}`)!;
    expect(Number(cell("zeros", "per-point").getAttribute("data-value"))).toBe(25);
    expect(cell("zeros", "per-coordinate").textContent).toBe("12.5");
    expect(Number(cell("half", "per-point").getAttribute("data-value"))).toBe(6.25);
    matchSnapshot("denoising-errors.html", table);
  });
});

describe("reverseStepTable", () => {
  it("writes out the step t = 2 → 1 of a two-step schedule (numpy values; snapshot)", () => {
    const toy = makeSchedule({ kind: "linear", T: 2, betaStart: 0.1, betaEnd: 0.2 });
    const table = reverseStepTable(reverseStepNumbers(toy, 1, [0.5, -1.2], [0.3, -0.9], [1.5, -0.5]), { document });
    const row = (name: string) => table.querySelector(`tr.${name} td:last-child`)!.textContent;
    expect(row("coef-x0")).toBe("0.6776");
    expect(row("coef-xt")).toBe("0.3194");
    expect(row("sigma")).toBe("0.2673");
    expect(row("mean")).toContain("= 0.363");
    expect(row("mean")).toContain("= −0.9932");
    expect(row("x-prev")).toContain("= 0.7639");
    expect(row("x-prev")).toContain("= −1.127");
    matchSnapshot("denoising-reverse-step.html", table);
  });

  it("says z = 0 on the last step", () => {
    const table = reverseStepTable(reverseStepNumbers(schedule, 0, [0.5, -1.2], [0.3, -0.9], [1.5, -0.5]), { document });
    expect(table.querySelector("tr.z td:last-child")!.textContent).toBe("(0, 0)");
    expect(table.querySelector("tr.sigma td:last-child")!.textContent).toBe("0");
  });
});

describe("sampleGrid", () => {
  it("formats mean ± sd", () => {
    expect(meanSd({ mean: 0.0358, sd: 0.0033 })).toBe("0.0358 ± 0.0033");
    expect(meanSd({ mean: 0.5, sd: 0 })).toBe("0.5");
  });

  it("lays out titled panels with metrics and a clipped count (snapshot)", () => {
    const far = Float64Array.from([...x0, 5, 5]);
    const grid = sampleGrid([
      { title: "trained T = 10, 10 sampling steps", samples: x0, metrics: metrics(0.036, 0.003), warning: true },
      { title: "far", samples: far, metrics: metrics(0.14, 0.016) },
    ], { reference: x0, columns: 2, size: 200, document });
    expect(grid.querySelectorAll(".sample-panel").length).toBe(2);
    expect(grid.querySelectorAll(".sample-panel svg").length).toBe(2);
    expect(grid.querySelectorAll(".sample-metrics")[1].textContent).toContain("1 of 65 points outside the frame");
    matchSnapshot("training-t-grid.html", grid);
  });
});
