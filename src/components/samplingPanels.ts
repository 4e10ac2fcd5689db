/**
 * The Sampling page's three panels and their metrics. `samplingRuns` turns each change of the settings
 * into a view: the one sampled at build time when the settings are its own, otherwise a run of its
 * PanelBackend (samplingWork.ts; in the page, its sampling worker) that shows each panel as it lands and
 * gives way to a newer run. It keeps each panel by the settings that decide it for the rest of the
 * visit, so a change re-samples only the panels it changed. `panelGrid` (updated in place),
 * `panelMetricsTable` and `panelFigures` draw a view.
 *
 * Each sampled panel colours its points by where they end along the spiral, as the Trajectories page
 * does: the position along the training data's curve (core/curvePosition.ts) of each sample's nearest
 * training point. A model trained on other data has no spiral to colour along: its points are plain.
 */

import { makeDataset } from "../core/datasets.js";
import type { FloatBundle } from "../core/floatBundle.js";
import type { Metrics } from "../core/metrics.js";
import { checkSamplerFor } from "../core/samplers/index.js";
import { metricsTable } from "./metricsTable.js";
import type { RunProgress } from "./runProgress.js";
import { saveFile } from "./saveFile.js";
import type { DatasetConfig, ModelChoice } from "./samplingModels.js";
import { samplingScatter } from "./samplingScatter.js";
import { samplesCsv, type SamplingSettings } from "./samplingState.js";
import { endPositions, type ModelFacts, type PanelBackend, spiralPositions } from "./samplingWork.js";

export interface PanelView {
  steps: number;
  /** "pending" until this run has sampled the panel. */
  state: "precomputed" | "pending" | "sampled";
  /**
   * A pending panel keeps the previous run's samples (drawn greyed out), if there were any, until its
   * own run has points on the way: then these are those points, after `done` of its steps.
   */
  samples?: Float64Array;
  done?: number;
  /** Where each sample ends along the spiral (0 … 1); none while the points are on their way, or off a spiral. */
  end?: Float64Array;
  /** Sampling time, for panels sampled in the browser. */
  ms?: number;
  metrics?: Metrics;
}

export interface SamplingView {
  status: "precomputed" | "running" | "done" | "abandoned" | "failed";
  panels: PanelView[];
  n: number;
  floor: Metrics;
  /** Whether the floor is split-half (the training data is a points file) rather than fresh draws. */
  ownData: boolean;
  /** The training set drawn behind the samples; none after a failure. */
  data?: Float64Array;
  /** Whether the panels colour points by where they end: the model's training data is a spiral. */
  byEnd: boolean;
}

/** The view sampled at build time. */
export interface BuildView {
  settings: Omit<SamplingSettings, "model">;
  /** The default model's training set. */
  dataset: DatasetConfig;
  /** The floor at settings.n. */
  floor: Metrics;
  panels: PanelView[];
}

/** The build's panels from its float bundle, the samples as samples-<steps>. */
export function buildPanels(bundle: FloatBundle<{ panels: { steps: number; metrics: Metrics }[] }>): PanelView[] {
  return bundle.meta.panels.map(({ steps, metrics }) => ({
    steps,
    metrics,
    state: "precomputed",
    samples: Float64Array.from(bundle.arrays[`samples-${steps}`]),
  }));
}

/** Whether `settings` sample what the build sampled: η counts only for DDIM, the variance only for DDPM. */
export function isBuildView(settings: SamplingSettings, build: BuildView["settings"]): boolean {
  return settings.model === "default" && settings.sampler === build.sampler && settings.seed === build.seed &&
    settings.n === build.n && settings.steps.length === build.steps.length &&
    settings.steps.every((k, i) => k === build.steps[i]) &&
    (settings.sampler !== "ddpm" || settings.variance === build.variance) &&
    (settings.sampler !== "ddim" || settings.eta === build.eta);
}

const stepsLabel = (steps: number) => `${steps} step${steps === 1 ? "" : "s"}`;

export interface SamplingRunsOptions {
  backend: PanelBackend;
  build: BuildView;
  progress: RunProgress;
}

export interface SamplingRuns {
  /**
   * Shows `settings` through `show`, a view per change, and reports on the progress line. When
   * `signal` aborts (a newer run takes over) the run ends with an "abandoned" view; it never rejects.
   */
  run(settings: SamplingSettings, show: (view: SamplingView) => void, signal: AbortSignal): Promise<void>;
}

/** Panels kept for the rest of the visit (about 8 kB each at n = 512): a few dozen settings to go back to. */
export const PANEL_CACHE_SIZE = 48;

/**
 * What decides a panel's samples: the model, the sampler and its own noise setting, the seed (hence x_T),
 * n and the step count. The other panels' step counts do not: every panel starts from the same x_T.
 */
export function panelKey(settings: SamplingSettings, steps: number): string {
  const { model, sampler, variance, eta, seed, n } = settings;
  const noise = sampler === "ddpm" ? `variance ${variance}` : sampler === "ddim" ? `eta ${eta}` : "";
  return `${model} ${sampler} ${noise} seed ${seed} n ${n} steps ${steps}`;
}

export function samplingRuns(options: SamplingRunsOptions): SamplingRuns {
  const { backend, build, progress } = options;
  // Every panel sampled in this visit, by panelKey, oldest first: a change recomputes only the panels it changed.
  const sampled = new Map<string, PanelView>();
  const remember = (key: string, panel: PanelView) => {
    sampled.delete(key);
    sampled.set(key, panel);
    if (sampled.size > PANEL_CACHE_SIZE) sampled.delete(sampled.keys().next().value!);
  };
  const buildData = (() => {
    const { name, ...dataset } = build.dataset;
    return makeDataset(name, dataset);
  })();
  const buildPositions = spiralPositions({ trainedOn: { dataset: build.dataset }, data: buildData });
  const buildByEnd = buildPositions !== null;
  const buildPanels = build.panels.map((panel) => ({ ...panel, end: buildPositions ? endPositions(panel.samples!, buildData, buildPositions) : undefined }));
  buildPanels.forEach((panel) => remember(panelKey({ ...build.settings, model: "default" }, panel.steps), panel));
  // Each model's facts, asked for once (the same training set object every time, for the figures).
  const facts = new Map<ModelChoice, Promise<ModelFacts>>();
  const describe = (choice: ModelChoice) => {
    let promise = facts.get(choice);
    if (!promise) {
      promise = backend.describe(choice);
      promise.catch(() => facts.delete(choice));
      facts.set(choice, promise);
    }
    return promise;
  };
  // The view of the last run that ended (or the build's), kept on screen while a new run samples.
  let settled: SamplingView | undefined;

  /** The build's floor where it applies (the default model and the oracle share its training set and n). */
  function floorFor(choice: ModelChoice, n: number): Promise<Metrics> {
    return choice !== "session" && n === build.settings.n ? Promise.resolve(build.floor) : backend.floor(choice, n);
  }

  async function sampleInBrowser(settings: SamplingSettings, show: (view: SamplingView) => void, signal: AbortSignal) {
    const { model, n } = settings;
    progress.start(facts.has(model) || model === "oracle" ? "Sampling…" : "Loading the model…");
    const open = await describe(model);
    signal.throwIfAborted();
    checkSamplerFor(open.objective, settings.sampler);
    const floor = await floorFor(model, n);
    signal.throwIfAborted();
    const T = open.maxSteps;
    const clamped = settings.steps.some((k) => k > T);
    const within = { ...settings, steps: settings.steps.map((k) => Math.min(k, T)) };
    const keys = within.steps.map((k) => panelKey(within, k));
    // Panels sampled before with these settings come back at once; the others keep the last samples, greyed.
    let panels: PanelView[] = within.steps.map((k, i) =>
      sampled.get(keys[i]) ?? { steps: k, state: "pending", samples: settled?.panels[i]?.samples, end: settled?.panels[i]?.end }
    );
    const missing = panels.flatMap((panel, i) => (panel.state === "pending" ? [i] : []));
    const { byEnd, ownData, data } = open;
    const showPanels = (status: SamplingView["status"]) => show({ status, panels, n, floor, ownData, data, byEnd });
    showPanels("running");
    progress.say(`Sampling with ${open.engine}…`);
    const started = performance.now();
    if (missing.length > 0) {
      const { sampler, variance, eta, seed } = within;
      await backend.sample({ choice: model, settings: { sampler, variance, eta, seed, n }, steps: missing.map((i) => within.steps[i]) }, signal, {
        onProgress: (done, total) => progress.update(done, total),
        // Points on their way have no end yet: they are drawn plain until their panel is done.
        onPartial: (j, x, done) => {
          const i = missing[j];
          panels = panels.map((p, k) => (k === i ? { ...p, samples: x, done, end: undefined } : p));
          showPanels("running");
        },
        onPanel: (j, panel) => {
          const i = missing[j];
          const view: PanelView = { ...panel, state: "sampled" };
          remember(keys[i], view);
          panels = panels.map((p, k) => (k === i ? view : p));
          showPanels("running");
        },
      });
    }
    settled = { status: "done", panels, n, floor, ownData, data, byEnd };
    show(settled);
    const fresh = missing.map((i) => panels[i]);
    const times = fresh.map((p) => `${stepsLabel(p.steps)} in ${Math.round(p.ms!)} ms`).join(", ");
    const kept = panels.length - fresh.length;
    const summary = fresh.length === 0
      ? `All ${kept} panels are from earlier in this visit (${n} points each).`
      : `Sampled ${n} points with ${open.engine}: ${times} (all done in ${Math.round(performance.now() - started)} ms with the metrics)` +
        (kept === 0 ? "." : `; ${kept} panel${kept === 1 ? "" : "s"} from earlier in this visit.`);
    const limit = open.objective === "flow-matching" ? `this flow model's limit, ${T}` : `this model's T = ${T}`;
    progress.finish(summary + (clamped ? ` Step counts above ${limit} were clamped to ${T}.` : ""));
  }

  return {
    async run(settings, show, signal) {
      if (isBuildView(settings, build.settings)) {
        settled = { status: "precomputed", panels: buildPanels, n: settings.n, floor: build.floor, ownData: false, data: buildData, byEnd: buildByEnd };
        show(settled);
        progress.finish("Showing the view sampled at build time with these settings. Change any control to sample in your browser.");
        return;
      }
      try {
        await sampleInBrowser(settings, show, signal);
      } catch (error) {
        const rest = settled ?? { panels: [], n: settings.n, floor: build.floor, ownData: false, data: buildData, byEnd: buildByEnd };
        if (signal.aborted) {
          progress.abandon(); // a newer run has taken over
          // Framework computes the newer run only once this one has a value: a run aborted before its
          // first (while the model loads) must still give one, or every later run waits for it forever.
          show({ ...rest, status: "abandoned" });
          return;
        }
        progress.fail(`Sampling failed: ${(error as Error).message}`);
        show({ ...rest, status: "failed", data: undefined });
      }
    },
  };
}

/**
 * Each panel's figure, by its samples and size: a new view redraws only the panels that changed. The
 * colour of a point is where it ends along the spiral (endColor.ts); grey is the training data.
 */
export function panelFigures(options: { document?: Document } = {}): (panel: PanelView, data: Float64Array | undefined, width: number) => HTMLElement {
  const figures = new WeakMap<Float64Array, Map<number, HTMLElement>>();
  return (panel, data, width) => {
    const samples = panel.samples;
    if (!samples) throw new RangeError(`the ${stepsLabel(panel.steps)} panel has no samples to draw`);
    const size = Math.min(width, 400);
    if (!figures.has(samples)) figures.set(samples, new Map());
    const bySize = figures.get(samples)!;
    if (!bySize.has(size)) {
      bySize.set(size, samplingScatter(samples, {
        end: panel.end,
        background: data,
        size,
        extent: 2.2,
        ariaDescription: `${samples.length / 2} samples after ${panel.steps} steps`,
        document: options.document,
      }));
    }
    return bySize.get(size)!;
  };
}

export interface PanelGridOptions {
  /** A panel's figure at a width (panelFigures, in the page). */
  figure: (panel: PanelView, data: Float64Array | undefined, width: number) => Node;
  document?: Document;
}

export type PanelGrid = HTMLElement & {
  /**
   * Shows a view: only the panels whose view changed are redrawn, in place, so a run's updates (a few
   * a second) cost the page one panel each. `csvName` names a panel's CSV download.
   */
  update(view: SamplingView, csvName: (steps: number) => string): void;
};

/** A panel's width when the grid is not laid out yet (no width to read); it is redrawn once it is. */
const UNLAID_WIDTH = 320;

/**
 * The panels side by side, for scripts and tests: the grid (div.sampling-panels) carries the view's
 * status in data-status ("precomputed", "running", "done", "abandoned" or "failed"); each panel is a
 * figure.sampling-panel with data-steps, data-state ("precomputed", "pending" or "sampled") and
 * data-ms (its sampling time in ms, empty until sampled in the browser), and a CSV button once it has
 * samples of this run; its figure (div.sampling-scatter) gives its point count in data-points.
 * Created once; each view goes in through update(). The figures follow the grid's width.
 */
export function panelGrid(options: PanelGridOptions): PanelGrid {
  const { figure, document = globalThis.document } = options;
  const grid = document.createElement("div") as unknown as PanelGrid;
  grid.className = "grid grid-cols-3 sampling-panels";
  // What each panel element shows now: its view, data, CSV names and width.
  let shown: { panel: PanelView; data?: Float64Array; csvName: (steps: number) => string; width: number }[] = [];
  let last: { view: SamplingView; csvName: (steps: number) => string } | undefined;
  const panelWidth = () => (grid.firstElementChild as HTMLElement | null)?.clientWidth || UNLAID_WIDTH;

  function fill(element: HTMLElement, panel: PanelView, data: Float64Array | undefined, csvName: (steps: number) => string, width: number) {
    element.dataset.steps = String(panel.steps);
    element.dataset.state = panel.state;
    element.dataset.ms = panel.ms === undefined ? "" : String(panel.ms);
    element.style.cssText = `margin: 0; max-width: none; ${panel.state === "pending" && panel.done === undefined ? "opacity: 0.35;" : ""}`;
    const caption = document.createElement("figcaption");
    const title = document.createElement("b");
    title.textContent = stepsLabel(panel.steps);
    const status = panel.state === "sampled"
      ? `· sampled in ${Math.round(panel.ms!)} ms`
      : panel.state === "precomputed"
      ? "· sampled at build"
      : panel.done !== undefined
      ? `· step ${panel.done} of ${panel.steps}…`
      : "· sampling…";
    caption.append(title, ` ${status} `);
    const samples = panel.samples;
    if (panel.state !== "pending" && samples) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "samples-csv";
      button.textContent = "CSV";
      button.setAttribute("aria-label", `Download the ${panel.steps}-step samples as CSV`);
      button.onclick = () => saveFile(csvName(panel.steps), samplesCsv(samples), "text/csv", document);
      caption.append(button);
    }
    let body: Node;
    if (samples) {
      body = figure(panel, data, width);
    } else {
      const placeholder = document.createElement("div");
      placeholder.className = "muted";
      placeholder.style.cssText = "aspect-ratio: 1; display: grid; place-items: center;";
      placeholder.textContent = "sampling…";
      body = placeholder;
    }
    element.replaceChildren(caption, body);
  }

  grid.update = (view, csvName) => {
    last = { view, csvName };
    grid.dataset.status = view.status;
    while (grid.children.length > view.panels.length) grid.lastElementChild!.remove();
    while (grid.children.length < view.panels.length) {
      const element = document.createElement("figure");
      element.className = "sampling-panel";
      grid.append(element);
    }
    shown = shown.slice(0, view.panels.length);
    const width = panelWidth();
    view.panels.forEach((panel, i) => {
      const now = shown[i];
      if (now && now.panel === panel && now.data === view.data && now.csvName === csvName && now.width === width) return;
      fill(grid.children[i] as HTMLElement, panel, view.data, csvName, width);
      shown[i] = { panel, data: view.data, csvName, width };
    });
  };
  // Redraws at the new width when the grid is laid out or resized (a browser's; jsdom has no ResizeObserver).
  const Observer = document.defaultView?.ResizeObserver;
  if (Observer) new Observer(() => last && panelWidth() !== shown[0]?.width && grid.update(last.view, last.csvName)).observe(grid);
  return grid;
}

/** The metrics of each panel ("…" while pending) over the floor at the view's n. */
export function panelMetricsTable(view: SamplingView, options: { document?: Document } = {}): HTMLTableElement {
  const rows = view.panels.map((p) => ({ label: stepsLabel(p.steps), metrics: p.state === "pending" ? undefined : p.metrics }));
  const floorLabel = view.ownData ? `floor: half the training points against the other half, n = ${view.n}` : `floor: fresh data, n = ${view.n}`;
  return metricsTable(rows, view.floor, { floorLabel, document: options.document });
}
