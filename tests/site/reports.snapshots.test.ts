/**
 * The report pages' components on fixed inputs: the numbers they print, checked against values
 * computed here, and their SVG/HTML compared with committed snapshots in tests/site/__snapshots__, as
 * Observable Plot's own tests do (UPDATE_SNAPSHOTS=1 writes missing ones and accepts deliberate changes).
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";
import { samplerId } from "../../src/core/reports/report.js";
import { samplerLabel } from "../../src/core/settings.js";
import { headlineChart, type IndexEntry, reportIndexTable } from "../../src/components/reportIndex.js";
import { lossCurves } from "../../src/components/reportLoss.js";
import { type MetricsRun, reportMetricsTable } from "../../src/components/reportMetrics.js";
import { configView, type ProvenanceReport, provenanceView } from "../../src/components/reportProvenance.js";
import { sampleFacets } from "../../src/components/reportSamples.js";
import { straightnessTable } from "../../src/components/reportStraightness.js";
import { sweepChart } from "../../src/components/reportSweep.js";
import { matchSnapshot } from "../support/snapshot.js";

const document = new JSDOM("").window.document;


const summary = (mean: number, sd: number) => ({ mean, sd });
const metrics = (swd: number) => ({
  swd: summary(swd, swd / 10),
  mmd: summary(swd / 20, 0),
  precision: summary(0.9, 0.01),
  coverage: summary(0.8, 0.02),
});
/** Two runs of a sweep, SWD falling with the step count; the floor is 0.02. */
const runs: (MetricsRun & { value: string })[] = ["0.01", "0.02"].map((value, k) => ({
  label: `betaEnd = ${value}`,
  value,
  quality: {
    floor: { swd: summary(0.02, 0.004), mmd: summary(0.0005, 0.0001), precision: summary(0.97, 0.01), coverage: summary(0.95, 0.01) },
    rows: [10, 1000].map((steps) => ({ sampler: "ddim", steps, metrics: metrics((k + 1) * (steps === 10 ? 0.08 : 0.03)) })),
  },
}));

describe("report components", () => {
  it("names sampler settings for files and for people", () => {
    expect(samplerId({ sampler: "dpm-solver++" })).toBe("dpm-solver-pp");
    expect(samplerId({ sampler: "ddim", eta: 0.5, spacing: "logsnr" })).toBe("ddim-eta-0p5-logsnr");
    expect(samplerLabel({ sampler: "ddim", eta: 0.5 })).toBe("DDIM η = 0.5");
    expect(samplerLabel({ sampler: "dpm-solver++", spacing: "logsnr" })).toBe("DPM-Solver++ (even in ln SNR)");
  });

  it("tabulates every row against the floor, SWD ÷ floor = mean SWD / floor SWD", () => {
    const table = reportMetricsTable(runs, { runColumn: "betaEnd", document });
    const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    // One floor row (both runs share it), then 2 runs × 2 step counts.
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual(["all", "floor: a fresh draw of the data", "—", "0.02 ± 0.004", "1", "5×10⁻⁴ ± 1×10⁻⁴", "0.97 ± 0.01", "0.95 ± 0.01"]);
    // 0.16 / 0.02 = 8 and 0.06 / 0.02 = 3.
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
      ["betaEnd = 0.01", "10", "0.08 ± 0.008", "4"],
      ["betaEnd = 0.01", "1000", "0.03 ± 0.003", "1.5"],
      ["betaEnd = 0.02", "10", "0.16 ± 0.016", "8"],
      ["betaEnd = 0.02", "1000", "0.06 ± 0.006", "3"],
    ]);
    matchSnapshot("reports-metrics.html", table);
  });

  it("draws loss curves on a log scale, one line per run", () => {
    const series = [1, 2].map((k) => ({
      label: `run ${k}`,
      lossHistory: { steps: [10, 20, 30, 40], loss: [1, 0.5, 0.3, 0.25].map((l) => l * k) },
    }));
    const svg = lossCurves(series, { document, width: 400, height: 200 });
    // One path per run; a log axis labels its decades.
    expect(svg.querySelectorAll("path[stroke]").length).toBeGreaterThanOrEqual(2);
    matchSnapshot("reports-loss.svg", svg);
  });

  it("facets samples by sampler (or run) × step count, with the data underneath", () => {
    const rng = new Rng(3);
    const panels = ["DDIM", "DPM-Solver++"].flatMap((row) =>
      ["10 steps", "50 steps"].map((column) => ({ row, column, points: Float64Array.from(rng.normals(20), (v) => 0.5 * v) }))
    );
    const background = Float64Array.from(new Rng(4).normals(10));
    const svg = sampleFacets(panels, { background, document, panel: 100 });
    // 4 panels of 10 samples, and the 5 background points repeated in each panel.
    expect(svg.querySelectorAll("circle").length).toBe(4 * 10 + 4 * 5);
    expect(svg.getAttribute("width")).toBe(String(2 * 100 + 110 + 4));
    matchSnapshot("reports-samples.svg", svg);
  });

  it("widens the row labels' margin for run × sampler rows, so that the longest fits", () => {
    const rows = ["flow-matching · Heun", "ddpm · DPM-Solver++ (even in ln SNR)"];
    const panels = rows.map((row) => ({ row, column: "1 step", points: new Float64Array([0, 0]) }));
    const svg = sampleFacets(panels, { document, panel: 100 });
    // 36 characters at 6 px, and 16 px to spare: 232 px, over the 110 px that sampler labels get.
    expect(rows[1].length).toBe(36);
    expect(svg.getAttribute("width")).toBe(String(100 + 36 * 6 + 16 + 4));
    expect([...svg.querySelectorAll("text")].map((t) => t.textContent)).toEqual(expect.arrayContaining(rows));
  });

  it("tabulates straightness by run × sampler and step count, blank where it was not measured", () => {
    const table = straightnessTable([
      { label: "ddpm · DPM-Solver++", values: new Map([[1, 1], [10, 1.23456]]) },
      { label: "flow-matching · Euler", values: new Map([[1, 1], [10, 1.0049]]) },
      { label: "old · DDIM", values: new Map() },
    ], [1, 10], { rowLabel: "objective · sampler", document });
    expect([...table.querySelectorAll("thead th")].map((th) => th.textContent)).toEqual(["objective · sampler", "1 step", "10 steps"]);
    const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([
      ["ddpm · DPM-Solver++", "1", "1.235"],
      ["flow-matching · Euler", "1", "1.005"],
      ["old · DDIM", "", ""],
    ]);
    matchSnapshot("reports-straightness.html", table);
  });

  it("charts a sweep's metric against the swept value with ±1 sd bars and the floor, a panel per step count", () => {
    const chart = sweepChart(runs, { document, metric: "swd", xLabel: "betaEnd", width: 500, height: 240 });
    expect([...chart.querySelectorAll("figcaption")].map((caption) => caption.textContent)).toEqual(["10 steps", "1000 steps"]);
    matchSnapshot("reports-sweep.html", chart);
    expect(() => sweepChart(runs, { document, metric: "fid" as never })).toThrow(/metric must be one of swd, mmd, precision, coverage/);
  });

  it("gives each panel its own y axis, so a run that diverges at few steps flattens no other panel", () => {
    // The second run's 10-step SWD at 2×10⁵, as DPM-Solver++ at β_T = 0.08 in the beta-end-sweep report.
    const diverged = runs.map((run, k) => ({
      ...run,
      quality: { ...run.quality, rows: run.quality.rows.map((row) => (k === 1 && row.steps === 10 ? { ...row, metrics: metrics(2e5) } : row)) },
    }));
    const chart = sweepChart(diverged, { document, metric: "swd", xLabel: "betaEnd", width: 500, height: 240 });
    const ticks = [...chart.querySelectorAll("figure")].map((panel) =>
      [...panel.querySelectorAll('[aria-label="y-axis tick label"] text')].map((text) => text.textContent)
    );
    // The 10-step panel reaches 10⁵; the 1000-step panel (0.03 and 0.06, floor 0.02) keeps plain decimals.
    expect(ticks[0]).toContain("10⁵");
    expect(ticks[1].length).toBeGreaterThan(0);
    expect(ticks[1].every((tick) => Number(tick) >= 0.01 && Number(tick) <= 0.1)).toBe(true);
  });

  it("lists provenance and weight hashes as text, never as markup", () => {
    const report: ProvenanceReport = {
      configHash: "ab".repeat(32),
      provenance: {
        git: { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main" },
        date: "2025-01-02T03:04:05.678Z",
        versions: { chisel: "0.1.0", deno: "2.9.6" },
        inference: "onnxruntime-web (wasm)",
        host: { os: "linux", arch: "x86_64", cores: 2 },
        command: "chisel report --config reports/x.json",
        seconds: 12.5,
      },
      runs: [{
        id: "run-0",
        label: "<b>not bold</b>",
        engine: "fused-wasm-simd",
        configHash: "cd".repeat(32),
        trained: false,
        created: "2025-01-01T00:00:00.000Z",
        checkpoint: { file: "step-000040.f32", sha256: "ef".repeat(32), step: 40 },
        onnx: { sha256: "01".repeat(32) },
      }],
    };
    const view = provenanceView(report, { document });
    expect(view.querySelector("b")).toBeNull();
    expect(view.textContent).toContain("<b>not bold</b>");
    expect(view.textContent).toContain("2025-01-02 03:04:05 UTC in 12.5 s");
    matchSnapshot("reports-provenance.html", view);
    const config = configView({ name: "x", title: "<i>y</i>" }, { document });
    expect(config.querySelector("i")).toBeNull();
    expect(config.querySelector("pre")!.textContent).toBe('{\n  "name": "x",\n  "title": "<i>y</i>"\n}');
  });

  it("indexes reports with links to their pages and their headline against the floor", () => {
    const entries: IndexEntry[] = [
      { name: "default", title: "Default", date: "2025-01-02T00:00:00Z", runs: 1, trainingSteps: [10000], headline: { label: "Default", sampler: { sampler: "ddim" }, steps: 50, swd: 0.031, floorSwd: 0.02, precision: 0.96, coverage: 0.66 } },
      { name: "sweep", title: "Sweep", date: "2025-01-03T00:00:00Z", runs: 5, sweep: ["schedule.betaEnd"], trainingSteps: [4000], headline: { label: "betaEnd = 0.04", sampler: { sampler: "ddpm" }, steps: 1000, swd: 0.05, floorSwd: 0.02, precision: 0.9, coverage: 0.6 } },
    ];
    const table = reportIndexTable(entries, { document });
    expect([...table.querySelectorAll("a")].map((a) => a.getAttribute("href"))).toEqual(["./default.html", "./sweep.html"]);
    expect([...table.querySelectorAll("tbody tr")].map((tr) => tr.querySelectorAll("td")[3].textContent)).toEqual([
      "ddim, 50 steps",
      "ddpm, 1000 steps (betaEnd = 0.04)",
    ]);
    matchSnapshot("reports-index.html", table);
    matchSnapshot("reports-headlines.svg", headlineChart(entries, { document, width: 400 }));
  });
});
