/**
 * The Sampling page's panels outside the browser, their work (samplingWork.ts, what the page's worker
 * runs) called directly: which settings show the build's view, a run's views from pending to done
 * (against sample() and evaluate() directly), the work kept between runs (floors, prepared training
 * sets), step counts clamped to a model's T, a run that a newer one aborts (before and after its model
 * opens), a failed run, the colour by where each sample ends (none for a model of other data than the
 * spiral), and the panels, figures and metrics table drawn in jsdom.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it, vi } from "vitest";
import { curvePositions } from "../../src/core/curvePosition.js";
import { makeDataset } from "../../src/core/datasets.js";
import { decodeBundle, encodeBundle } from "../../src/core/floatBundle.js";
import { datasetFloor, evaluate, type Metrics, prepareReference } from "../../src/core/metrics.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { runProgress } from "../../src/components/runProgress.js";
import {
  type BuildView,
  buildPanels,
  isBuildView,
  panelFigures,
  panelGrid,
  panelMetricsTable,
  type PanelView,
  samplingRuns,
  type SamplingView,
} from "../../src/components/samplingPanels.js";
import type { ModelChoice, OpenModel } from "../../src/components/samplingModels.js";
import { endPositions, panelWork } from "../../src/components/samplingWork.js";
import { discStamp, parseRgb } from "../../src/components/samplingScatter.js";
import { samplesCsv, type SamplingSettings } from "../../src/components/samplingState.js";

const document = new JSDOM("").window.document;

const dataset = { name: "spiral" as const, n: 64, seed: 1 };
const data = makeDataset("spiral", { n: 64, seed: 1 });
const schedule = makeSchedule({ kind: "linear", T: 20, betaStart: 1e-3, betaEnd: 0.2 });
const buildSettings = { sampler: "ddpm" as const, variance: "betaTilde" as const, eta: 0, steps: [1, 3, 8], seed: 0, n: 16 };
// A stand-in: the runs must hand this very object out wherever the build's floor applies.
const buildFloor: Metrics = { swd: 0.1, mmd: 0.01, precision: 0.9, coverage: 0.5 };
const positions = curvePositions(data);

function bundle(steps: number[]) {
  const xT = Array.from({ length: 2 * buildSettings.n }, (_, i) => Math.sin(i));
  const arrays = Object.fromEntries(steps.map((k) => [`samples-${k}`, xT.map((v) => v / k)]));
  const panels = steps.map((k) => ({ steps: k, metrics: { ...buildFloor, swd: 1 / k } }));
  return decodeBundle<{ panels: typeof panels }>(encodeBundle({ panels }, { xT, ...arrays }));
}

const build: BuildView = { settings: buildSettings, dataset, floor: buildFloor, panels: buildPanels(bundle(buildSettings.steps)) };

function openModel(choice: ModelChoice): OpenModel {
  return {
    choice,
    denoiser: oracleDenoiser(schedule, data),
    objective: "ddpm",
    schedule,
    maxSteps: schedule.T,
    trainedOn: { dataset },
    data,
    engine: "a test oracle",
  };
}

function setup(open: (choice: ModelChoice) => Promise<OpenModel> = (choice) => Promise.resolve(openModel(choice))) {
  const progress = runProgress({ document });
  const opened = vi.fn(open);
  // No points on the way: these runs are short, and how many partial views a slow machine shows is not the point here.
  const runs = samplingRuns({ backend: panelWork({ open: opened, sliceMs: 0, partialMs: Infinity }), build, progress });
  /** Runs `settings` to the end, with every view it showed; `onView` may abort. */
  async function views(settings: SamplingSettings, onView?: (view: SamplingView) => void, signal = new AbortController().signal) {
    const shown: SamplingView[] = [];
    await runs.run(settings, (view) => (shown.push(view), onView?.(view)), signal);
    return shown;
  }
  return { progress, opened, runs, views };
}

const settingsWith = (change: Partial<SamplingSettings>): SamplingSettings => ({ model: "default", ...buildSettings, ...change });

describe("the build's view", () => {
  it("decodes the build's panels", () => {
    const panels = buildPanels(bundle([1, 3]));
    expect(panels.map((p) => `${p.steps} ${p.state} ${p.metrics?.swd}`)).toEqual(["1 precomputed 1", "3 precomputed 0.3333333333333333"]);
    expect(panels[1].samples).toBeInstanceOf(Float64Array);
    expect(Array.from(panels[1].samples!.subarray(0, 2))).toEqual([Math.fround(Math.sin(0) / 3), Math.fround(Math.sin(1) / 3)]);
  });

  it("is shown for the build's settings, and for noise settings the sampler ignores", () => {
    expect(isBuildView(settingsWith({}), buildSettings)).toBe(true);
    expect(isBuildView(settingsWith({ eta: 0.7 }), buildSettings)).toBe(true);
    for (const change of [
      { model: "oracle" },
      { model: "session" },
      { sampler: "ddim" },
      { variance: "beta" },
      { seed: 1 },
      { n: 17 },
      { steps: [1, 3, 9] },
      { steps: [1, 3] },
    ] as Partial<SamplingSettings>[]) {
      expect(isBuildView(settingsWith(change), buildSettings), JSON.stringify(change)).toBe(false);
    }
    const ddim = { ...buildSettings, sampler: "ddim" as const, eta: 0.5 };
    expect(isBuildView({ model: "default", ...ddim, variance: "beta" }, ddim)).toBe(true);
    expect(isBuildView({ model: "default", ...ddim, eta: 0.25 }, ddim)).toBe(false);
  });

  it("needs no model and no sampling", async () => {
    const { progress, opened, views } = setup();
    const [view, ...more] = await views(settingsWith({ eta: 0.3 }));
    expect(more).toEqual([]);
    expect(view.status).toBe("precomputed");
    // The build's samples, each coloured by where it ends: its nearest training point's place on the spiral.
    expect(view.panels.map((p) => p.samples)).toEqual(build.panels.map((p) => p.samples));
    for (const panel of view.panels) expect(panel.end).toEqual(endPositions(panel.samples!, data, positions));
    expect(view.byEnd).toBe(true);
    expect(view.floor).toBe(buildFloor);
    expect(view.data).toEqual(data);
    expect(opened).not.toHaveBeenCalled();
    expect({ ...progress.element.dataset }).toEqual({ state: "done", runs: "0", abandoned: "0" });
    expect(progress.element.textContent).toMatch(/^Showing the view sampled at build time/);
  });
});

describe("a run in the browser", () => {
  it("shows the previous samples pending, then each panel as sampled, as sample() and evaluate() give them", async () => {
    const { progress, views } = setup();
    await views(settingsWith({}));
    const settings = settingsWith({ model: "oracle", sampler: "ddim", eta: 0.5, seed: 3 });
    const shown = await views(settings);
    expect(shown.map((view) => `${view.status}: ${view.panels.map((p) => p.state).join(" ")}`)).toEqual([
      "running: pending pending pending",
      "running: sampled pending pending",
      "running: sampled sampled pending",
      "running: sampled sampled sampled",
      "done: sampled sampled sampled",
    ]);
    // Until sampled, a panel keeps what was drawn before.
    shown[0].panels.forEach((panel, i) => expect(panel.samples).toBe(build.panels[i].samples));
    expect(shown[0].panels[0].end).toHaveLength(buildSettings.n);
    const done = shown.at(-1)!;
    const reference = prepareReference(data);
    for (const [i, steps] of settings.steps.entries()) {
      const direct = await sample({ schedule, denoiser: oracleDenoiser(schedule, data), ...settings, steps });
      expect(done.panels[i].samples).toEqual(direct.samples);
      expect(done.panels[i].end).toEqual(endPositions(direct.samples, data, positions));
      expect(done.panels[i].metrics).toEqual(evaluate(direct.samples, reference));
    }
    // The build's training set at the build's n: its floor, not a new one.
    expect(done.floor).toBe(buildFloor);
    expect(done).toMatchObject({ n: 16, data });
    expect(progress.element.dataset.state).toBe("done");
    expect(progress.element.textContent).toMatch(
      /^Sampled 16 points with a test oracle: 1 step in \d+ ms, 3 steps in \d+ ms, 8 steps in \d+ ms \(all done in \d+ ms with the metrics\)\.$/,
    );
  });

  it("re-samples only the panels whose settings changed, and none on going back", async () => {
    const { progress, views } = setup();
    const first = (await views(settingsWith({ model: "oracle", seed: 4 }))).at(-1)!;
    // One panel's step count changes: the other two come back as they were, only the new one is sampled.
    const changed = await views(settingsWith({ model: "oracle", seed: 4, steps: [1, 5, 8] }));
    expect(changed[0].panels.map((p) => p.state)).toEqual(["sampled", "pending", "sampled"]);
    const done = changed.at(-1)!;
    expect(done.panels[0]).toBe(first.panels[0]);
    expect(done.panels[2]).toBe(first.panels[2]);
    const direct = await sample({ schedule, denoiser: oracleDenoiser(schedule, data), ...settingsWith({ seed: 4 }), steps: 5 });
    expect(done.panels[1].samples).toEqual(direct.samples);
    expect(progress.element.textContent).toMatch(/^Sampled 16 points with a test oracle: 5 steps in \d+ ms \(.*\); 2 panels from earlier in this visit\.$/);
    // Back to the first settings: nothing to sample.
    const back = await views(settingsWith({ model: "oracle", seed: 4 }));
    expect(back.at(-1)!.panels).toEqual(first.panels);
    expect(progress.element.textContent).toBe("All 3 panels are from earlier in this visit (16 points each).");
    // The build's panels count as sampled: changing one step count from the build view samples one panel.
    const fromBuild = await views(settingsWith({ steps: [1, 3, 9] }));
    expect(fromBuild[0].panels.map((p) => p.state)).toEqual(["precomputed", "precomputed", "pending"]);
  });

  it("leaves the points of a model of other data than the spiral uncoloured", async () => {
    const moons = makeDataset("moons", { n: 64, seed: 1 });
    const { views } = setup((choice) =>
      Promise.resolve({ ...openModel(choice), trainedOn: { dataset: { name: "moons", n: 64, seed: 1 } }, data: moons, denoiser: oracleDenoiser(schedule, moons) })
    );
    const done = (await views(settingsWith({ model: "session" }))).at(-1)!;
    expect(done.byEnd).toBe(false);
    expect(done.panels.map((p) => p.end)).toEqual([undefined, undefined, undefined]);
  });

  it("leaves them uncoloured too for a spiral of too few points to trace (curvePositions refuses 8)", async () => {
    const sparse = makeDataset("spiral", { n: 8, seed: 1 });
    const { progress, views } = setup((choice) =>
      Promise.resolve({ ...openModel(choice), trainedOn: { dataset: { name: "spiral", n: 8, seed: 1 } }, data: sparse, denoiser: oracleDenoiser(schedule, sparse) })
    );
    const done = (await views(settingsWith({ model: "session" }))).at(-1)!;
    expect(progress.element.dataset.state).toBe("done");
    expect(done.byEnd).toBe(false);
    expect(done.panels.map((p) => p.end)).toEqual([undefined, undefined, undefined]);
  });

  it("computes a floor once per training set and n", async () => {
    const { views } = setup();
    const first = (await views(settingsWith({ model: "oracle", n: 20 }))).at(-1)!;
    const again = (await views(settingsWith({ model: "oracle", n: 20, seed: 5 }))).at(-1)!;
    expect(first.floor).toEqual(datasetFloor("spiral", { n: 64, seed: 1 }, 20));
    expect(again.floor).toBe(first.floor);
    const other = (await views(settingsWith({ model: "oracle", n: 24 }))).at(-1)!;
    expect(other.floor).not.toEqual(first.floor);
  });

  it("says a model loads only on its first run", async () => {
    const { progress, runs } = setup();
    const starts: string[] = [];
    for (const model of ["default", "default", "oracle", "session"] as const) {
      const running = runs.run(settingsWith({ model, seed: 9 }), () => {}, new AbortController().signal);
      starts.push(progress.element.textContent!);
      await running;
    }
    expect(starts).toEqual(["Loading the model…", "Sampling…", "Sampling…", "Loading the model…"]);
  });

  it("clamps step counts above the model's T", async () => {
    const { progress, views } = setup();
    const done = (await views(settingsWith({ model: "oracle", steps: [1, 20, 500] }))).at(-1)!;
    expect(done.panels.map((p) => p.steps)).toEqual([1, 20, 20]);
    expect(progress.element.textContent).toMatch(/ Step counts above this model's T = 20 were clamped to 20\.$/);
  });
});

describe("cancelling and failing", () => {
  it("ends an aborted run with the panels drawn before, and counts it", async () => {
    const { progress, views } = setup();
    const before = (await views(settingsWith({ model: "oracle", seed: 1 }))).at(-1)!;
    const controller = new AbortController();
    const shown = await views(settingsWith({ model: "oracle", seed: 2 }), (view) => {
      if (view.panels[0].state === "sampled") controller.abort();
    }, controller.signal);
    expect(shown.map((view) => view.status)).toEqual(["running", "running", "abandoned"]);
    const abandoned = shown.at(-1)!;
    expect(abandoned.panels).toBe(before.panels);
    expect(abandoned).toMatchObject({ floor: buildFloor, data });
    expect(progress.element.dataset.abandoned).toBe("1");
    // The aborted run's one panel is not what the next run keeps on screen.
    const next = await views(settingsWith({ model: "oracle", seed: 3 }));
    expect(next[0].panels[0].samples).toBe(before.panels[0].samples);
  });

  it("still shows a view when aborted while the model opens", async () => {
    let open!: () => void;
    const { progress, runs } = setup((choice) => new Promise((resolve) => (open = () => resolve(openModel(choice)))));
    const controller = new AbortController();
    const shown: SamplingView[] = [];
    const running = runs.run(settingsWith({ seed: 4 }), (view) => shown.push(view), controller.signal);
    controller.abort();
    open();
    await running;
    expect(shown.map((view) => `${view.status} ${view.panels.length}`)).toEqual(["abandoned 0"]);
    expect(progress.element.dataset).toMatchObject({ runs: "1", abandoned: "1" });
  });

  it("says why a run failed", async () => {
    const { progress, views } = setup(() => Promise.reject(new RangeError("no model was trained in this tab")));
    const shown = await views(settingsWith({ model: "session" }));
    expect(shown).toEqual([{ status: "failed", panels: [], n: 16, floor: buildFloor, ownData: false, data: undefined, byEnd: true }]);
    expect(progress.element.dataset.state).toBe("failed");
    expect(progress.element.textContent).toBe("Sampling failed: no model was trained in this tab");
  });
});

describe("drawing the panels", () => {
  const samples = Float64Array.from([0.5, -0.25, 1, 2]);
  const panels: PanelView[] = [
    { steps: 1, state: "sampled", samples, end: Float64Array.from([0, 1]), ms: 12.6, metrics: buildFloor },
    { steps: 50, state: "pending", samples },
    { steps: 1000, state: "pending" },
  ];
  const view: SamplingView = { status: "running", panels, n: 2, floor: buildFloor, ownData: false, data, byEnd: true };

  it("gives each panel its state, caption and CSV button, and a figure once it has samples", () => {
    const figure = vi.fn((_panel: PanelView, _data?: Float64Array, _width?: number) => document.createElement("svg"));
    const grid = panelGrid({ figure, document });
    grid.update(view, (steps) => `samples-${steps}.csv`);
    expect(grid.className).toBe("grid grid-cols-3 sampling-panels");
    expect(grid.dataset.status).toBe("running");
    const figures = [...grid.querySelectorAll<HTMLElement>("figure.sampling-panel")];
    expect(figures.map((f) => ({ ...f.dataset }))).toEqual([
      { steps: "1", state: "sampled", ms: "12.6" },
      { steps: "50", state: "pending", ms: "" },
      { steps: "1000", state: "pending", ms: "" },
    ]);
    expect(figures.map((f) => f.querySelector("figcaption")!.textContent!.trim())).toEqual([
      "1 step · sampled in 13 ms CSV",
      "50 steps · sampling…",
      "1000 steps · sampling…",
    ]);
    expect(figures.map((f) => f.style.opacity)).toEqual(["", "0.35", "0.35"]);
    expect(grid.querySelectorAll("button.samples-csv")).toHaveLength(1);
    expect(grid.querySelector("button.samples-csv")!.getAttribute("aria-label")).toBe("Download the 1-step samples as CSV");
    expect(figure.mock.calls.map(([panel]) => panel.steps)).toEqual([1, 50]);
    expect(figures[2].lastElementChild!.textContent).toBe("sampling…");
    // A grid not laid out draws at a default width.
    expect(figure.mock.calls[0][2]).toBe(320);
  });

  it("redraws only the panels a new view changes, in place", () => {
    const figure = vi.fn((_panel: PanelView) => document.createElement("svg"));
    const grid = panelGrid({ figure, document });
    const csvName = (steps: number) => `samples-${steps}.csv`;
    grid.update(view, csvName);
    const elements = [...grid.children];
    const first = elements.map((element) => element.lastElementChild);
    // The last panel gets points on the way; the other two are the same objects as before.
    const moving: PanelView = { steps: 1000, state: "pending", samples, done: 10 };
    grid.update({ ...view, status: "done", panels: [panels[0], panels[1], moving] }, csvName);
    expect(grid.dataset.status).toBe("done");
    expect([...grid.children]).toEqual(elements);
    expect([...grid.children].map((element) => element.lastElementChild).slice(0, 2)).toEqual(first.slice(0, 2));
    expect(grid.children[0].lastElementChild).toBe(first[0]);
    expect(figure.mock.calls.map(([panel]) => panel)).toEqual([panels[0], panels[1], moving]);
    expect(grid.children[2].querySelector("figcaption")!.textContent!.trim()).toBe("1000 steps · step 10 of 1000…");
    // Fewer panels: the extra elements go.
    grid.update({ ...view, panels: [panels[0]] }, csvName);
    expect(grid.children).toHaveLength(1);
  });

  it("downloads a panel's samples as CSV under the name given", async () => {
    const saved: { name: string; href: string }[] = [];
    const grid = panelGrid({ figure: () => document.createElement("svg"), document });
    grid.update(view, (steps) => `samples-ddpm-${steps}-seed-3.csv`);
    document.body.append(grid);
    const onClick = (event: Event) => {
      const link = event.target as HTMLAnchorElement;
      if (link.tagName !== "A") return;
      saved.push({ name: link.download, href: link.href });
      event.preventDefault();
    };
    document.addEventListener("click", onClick);
    try {
      grid.querySelector<HTMLButtonElement>("button.samples-csv")!.click();
    } finally {
      document.removeEventListener("click", onClick);
      grid.remove();
    }
    expect(saved.map((s) => s.name)).toEqual(["samples-ddpm-1-seed-3.csv"]);
    expect(await (await fetch(saved[0].href)).text()).toBe(samplesCsv(samples));
  });

  it("draws a figure once per samples and size, at most 400 px", () => {
    const figureOf = panelFigures({ document });
    const first = figureOf(panels[0], data, 300);
    expect(figureOf(panels[0], data, 300)).toBe(first);
    expect(figureOf({ ...panels[0], state: "sampled", ms: 1 }, data, 300)).toBe(first);
    expect(figureOf(panels[0], data, 320)).not.toBe(first);
    expect(figureOf(panels[0], data, 500)).toBe(figureOf(panels[0], data, 900));
    expect(figureOf({ ...panels[0], samples: samples.slice() }, data, 300)).not.toBe(first);
    expect(first.querySelector("svg")!.getAttribute("aria-description")).toBe("2 samples after 1 steps");
    expect(first.dataset.points).toBe("2");
    expect(() => figureOf(panels[2], data, 300)).toThrow(/the 1000 steps panel has no samples/);
  });

  it("draws the points on a canvas over the plot area: by end, or in the text colour on their way, over the faint data", () => {
    // jsdom has no 2D context: one that keeps the pixels put on it stands in.
    let put: { data: Uint8ClampedArray; width: number; height: number } | undefined;
    const context = {
      createImageData: (width: number, height: number) => ({ data: new Uint8ClampedArray(4 * width * height), width, height }),
      putImageData: (pixels: typeof put) => (put = pixels),
    };
    const canvasProto = document.defaultView!.HTMLCanvasElement.prototype;
    const spy = vi.spyOn(canvasProto, "getContext").mockImplementation((() => context) as never);
    /** The RGBA of the pixel under a point (x, y) of the square ±2.2. */
    const under = (canvas: HTMLCanvasElement, x: number, y: number) => {
      const px = Math.floor(((x + 2.2) / 4.4) * canvas.width), py = Math.floor(((2.2 - y) / 4.4) * canvas.height);
      return Array.from(put!.data.subarray(4 * (py * put!.width + px), 4 * (py * put!.width + px) + 4));
    };
    try {
      const figureOf = panelFigures({ document });
      const canvas = figureOf(panels[0], data, 300).querySelector("canvas")!;
      expect(canvas.style.position).toBe("absolute");
      expect(put!.width).toBe(canvas.width);
      // The two samples: opaque-ish, each in its own colour of the ramp (centre and tip).
      const [a, b] = [under(canvas, 0.5, -0.25), under(canvas, 1, 2)];
      expect(a[3]).toBeGreaterThan(200);
      expect(b[3]).toBeGreaterThan(200);
      expect(a.slice(0, 3)).not.toEqual(b.slice(0, 3));
      // A training point far from both: faint.
      const far = Array.from({ length: data.length / 2 }, (_, i) => i).find((i) => Math.hypot(data[2 * i] - 0.5, data[2 * i + 1] + 0.25) > 0.3 && Math.hypot(data[2 * i] - 1, data[2 * i + 1] - 2) > 0.3)!;
      const faint = under(canvas, data[2 * far], data[2 * far + 1]);
      expect(faint[3]).toBeGreaterThan(0);
      expect(faint[3]).toBeLessThan(40);
      // Points on their way, with no end yet and no data behind: the text colour at half opacity.
      const plain = figureOf({ ...panels[1], samples: samples.slice() }, undefined, 300).querySelector("canvas")!;
      expect(under(plain, 0.5, -0.25)).toEqual([0, 0, 0, 128]);
    } finally {
      spy.mockRestore();
    }
  });

  it("stamps an antialiased disc, and reads the page's colours", () => {
    const stamp = discStamp(1.8);
    expect(stamp.find((p) => p.dx === 0 && p.dy === 0)!.cover).toBe(1);
    const area = stamp.reduce((sum, p) => sum + p.cover, 0);
    expect(area).toBeCloseTo(Math.PI * 1.8 ** 2, 0);
    expect(parseRgb("rgb(12, 34, 56)")).toEqual([12, 34, 56]);
    expect(parseRgb("#0c2238")).toEqual([12, 34, 56]);
    expect(parseRgb("canvastext")).toBeUndefined();
  });

  it("tabulates the metrics, with pending rows and the floor at the view's n", () => {
    const table = panelMetricsTable(view, { document });
    const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [tr.querySelector("th")!.textContent, ...[...tr.querySelectorAll("td")].map((td) => td.textContent)]);
    expect(rows).toEqual([
      ["1 step", "0.1", "0.01", "0.9", "0.5"],
      ["50 steps", "…", "…", "…", "…"],
      ["1000 steps", "…", "…", "…", "…"],
      ["floor: fresh data, n = 2", "0.1", "0.01", "0.9", "0.5"],
    ]);
  });
});
