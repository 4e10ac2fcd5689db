/**
 * The Sampling page's three panels and their metrics. `samplingRuns` turns each change of the settings
 * into a view: the one sampled at build time when the settings are its own, otherwise a run in the
 * browser (samplingRunner.ts) that shows each panel as it lands and gives way to a newer run. It keeps
 * the costly work for the rest of the visit: each model's prepared training set, each floor, and each
 * panel by the settings that decide it, so a change re-samples only the panels it changed.
 * `panelGrid`, `panelMetricsTable` and `panelFigures` draw a view.
 *
 * Each sampled panel colours its points by where they end along the spiral, as the Trajectories page
 * does: the position along the training data's curve (core/curvePosition.ts) of each sample's nearest
 * training point. A model trained on other data has no spiral to colour along: its points are plain.
 */

import { curvePositions, nearestIndices } from "../core/curvePosition.js";
import { makeDataset } from "../core/datasets.js";
import type { FloatBundle } from "../core/floatBundle.js";
import { datasetFloor, evaluate, type Metrics, prepareReference, type PreparedReference } from "../core/metrics.js";
import { metricsTable } from "./metricsTable.js";
import type { RunProgress } from "./runProgress.js";
import { saveFile } from "./saveFile.js";
import type { DatasetConfig, ModelChoice, OpenModel } from "./samplingModels.js";
import { samplePanels } from "./samplingRunner.js";
import { samplesCsv, type SamplingSettings } from "./samplingState.js";
import { trajectoryFrame } from "./trajectoryFrame.js";

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

/**
 * Where each sample ends along the training data's spiral, through its nearest training point, given
 * `positions`, the training points' own (curvePositions of the data).
 */
export function endPositions(samples: Float64Array, data: Float64Array, positions: Float64Array): Float64Array {
  return Float64Array.from(nearestIndices(samples, data), (i) => positions[i]);
}

export interface SamplingRunsOptions {
  openModel: (choice: ModelChoice) => Promise<OpenModel>;
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
  const { openModel, build, progress } = options;
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
  // The training points' positions along the spiral, by training set; null for data that is no spiral,
  // or a spiral too sparse for its neighbour graph to hold together (curvePositions refuses it).
  const curves = new WeakMap<Float64Array, Float64Array | null>();
  function curveOf(dataset: DatasetConfig, data: Float64Array): Float64Array | null {
    if (!curves.has(data)) {
      let positions: Float64Array | null = null;
      if (dataset.name === "spiral") {
        try {
          positions = curvePositions(data);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
        }
      }
      curves.set(data, positions);
    }
    return curves.get(data)!;
  }
  function endsOf(samples: Float64Array, dataset: DatasetConfig, data: Float64Array): Float64Array | undefined {
    const positions = curveOf(dataset, data);
    return positions ? endPositions(samples, data, positions) : undefined;
  }
  const buildByEnd = curveOf(build.dataset, buildData) !== null;
  const buildPanels = build.panels.map((panel) => ({ ...panel, end: endsOf(panel.samples!, build.dataset, buildData) }));
  buildPanels.forEach((panel) => remember(panelKey({ ...build.settings, model: "default" }, panel.steps), panel));
  const references = new Map<ModelChoice, PreparedReference>();
  const floors = new Map<string, Metrics>();
  // What the panels showed last, and whether by end, to keep on screen while a new run samples them.
  let shown: PanelView[] | undefined;
  let shownByEnd = buildByEnd;

  function referenceFor(open: OpenModel): PreparedReference {
    if (!references.has(open.choice)) references.set(open.choice, prepareReference(open.data));
    return references.get(open.choice)!;
  }

  function floorFor(dataset: DatasetConfig, n: number): Metrics {
    const key = `${JSON.stringify(dataset)} ${n}`;
    if (n === build.settings.n && JSON.stringify(dataset) === JSON.stringify(build.dataset)) return build.floor;
    if (!floors.has(key)) {
      const { name, ...options } = dataset;
      floors.set(key, datasetFloor(name, options, n));
    }
    return floors.get(key)!;
  }

  async function sampleInBrowser(settings: SamplingSettings, show: (view: SamplingView) => void, signal: AbortSignal) {
    const { model, n } = settings;
    const first = !references.has(model);
    progress.start(first && model !== "oracle" ? "Loading the model…" : "Sampling…");
    const open = await openModel(model);
    signal.throwIfAborted();
    const reference = referenceFor(open);
    const floor = floorFor(open.dataset, n);
    const T = open.schedule.T;
    const clamped = settings.steps.some((k) => k > T);
    const within = { ...settings, steps: settings.steps.map((k) => Math.min(k, T)) };
    const keys = within.steps.map((k) => panelKey(within, k));
    // Panels sampled before with these settings come back at once; the others keep the last samples, greyed.
    let panels: PanelView[] = within.steps.map((k, i) =>
      sampled.get(keys[i]) ?? { steps: k, state: "pending", samples: shown?.[i]?.samples, end: shown?.[i]?.end }
    );
    const missing = panels.flatMap((panel, i) => (panel.state === "pending" ? [i] : []));
    const byEnd = curveOf(open.dataset, open.data) !== null;
    const showPanels = (status: SamplingView["status"]) => show({ status, panels, n, floor, data: open.data, byEnd });
    showPanels("running");
    progress.say(`Sampling with ${open.engine}…`);
    const started = performance.now();
    if (missing.length > 0) {
      await samplePanels({
        schedule: open.schedule,
        denoiser: open.denoiser,
        settings: { ...within, steps: missing.map((i) => within.steps[i]) },
        signal,
        onProgress: (done, total) => progress.update(done, total),
        // Points on their way have no end yet: they are drawn plain until their panel is done.
        onPartial: (j, x, done) => {
          const i = missing[j];
          panels = panels.map((p, k) => (k === i ? { ...p, samples: x, done, end: undefined } : p));
          showPanels("running");
        },
        onPanel: (j, panel) => {
          const i = missing[j];
          const end = endsOf(panel.samples, open.dataset, open.data);
          const view: PanelView = { ...panel, end, state: "sampled", metrics: evaluate(panel.samples, reference) };
          remember(keys[i], view);
          panels = panels.map((p, k) => (k === i ? view : p));
          showPanels("running");
        },
      });
    }
    shown = panels;
    shownByEnd = byEnd;
    showPanels("done");
    const fresh = missing.map((i) => panels[i]);
    const times = fresh.map((p) => `${stepsLabel(p.steps)} in ${Math.round(p.ms!)} ms`).join(", ");
    const kept = panels.length - fresh.length;
    const summary = fresh.length === 0
      ? `All ${kept} panels are from earlier in this visit (${n} points each).`
      : `Sampled ${n} points with ${open.engine}: ${times} (all done in ${Math.round(performance.now() - started)} ms with the metrics)` +
        (kept === 0 ? "." : `; ${kept} panel${kept === 1 ? "" : "s"} from earlier in this visit.`);
    progress.finish(summary + (clamped ? ` Step counts above this model's T = ${T} were clamped to ${T}.` : ""));
  }

  return {
    async run(settings, show, signal) {
      if (isBuildView(settings, build.settings)) {
        shown = buildPanels;
        shownByEnd = buildByEnd;
        show({ status: "precomputed", panels: buildPanels, n: settings.n, floor: build.floor, data: buildData, byEnd: buildByEnd });
        progress.finish("Showing the view sampled at build time with these settings. Change any control to sample in your browser.");
        return;
      }
      try {
        await sampleInBrowser(settings, show, signal);
      } catch (error) {
        if (signal.aborted) {
          progress.abandon(); // a newer run has taken over
          // Framework computes the newer run only once this one has a value: a run aborted before its
          // first (while onnxruntime loads) must still give one, or every later run waits for it forever.
          show({ status: "abandoned", panels: shown ?? [], n: settings.n, floor: build.floor, data: buildData, byEnd: shownByEnd });
          return;
        }
        progress.fail(`Sampling failed: ${(error as Error).message}`);
        show({ status: "failed", panels: shown ?? [], n: settings.n, floor: build.floor, data: undefined, byEnd: shownByEnd });
      }
    },
  };
}

/**
 * Each panel's figure, by its samples and size: a new view redraws only the panels that changed. The
 * colour of a point is where it ends along the spiral (endColor.ts); grey is the training data.
 */
export function panelFigures(options: { document?: Document } = {}): (panel: PanelView, data: Float64Array | undefined, width: number) => Element {
  const figures = new WeakMap<Float64Array, Map<number, Element>>();
  return (panel, data, width) => {
    const samples = panel.samples;
    if (!samples) throw new RangeError(`the ${stepsLabel(panel.steps)} panel has no samples to draw`);
    const size = Math.min(width, 400);
    if (!figures.has(samples)) figures.set(samples, new Map());
    const bySize = figures.get(samples)!;
    if (!bySize.has(size)) {
      bySize.set(size, trajectoryFrame(samples, {
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
  /** The figure of a panel with samples (Framework's resize() around a panelFigures figure, in the page). */
  figure: (panel: PanelView) => Node;
  /** The CSV download's file name for a panel. */
  csvName: (steps: number) => string;
  document?: Document;
}

/**
 * The panels side by side, each a figure.sampling-panel with its state in data-steps, data-state and
 * data-ms (for scripts and tests), and a CSV button once it has samples of this run.
 */
export function panelGrid(view: SamplingView, options: PanelGridOptions): HTMLElement {
  const { figure, csvName, document = globalThis.document } = options;
  const grid = document.createElement("div");
  grid.className = "grid grid-cols-3 sampling-panels";
  for (const panel of view.panels) {
    const element = document.createElement("figure");
    element.className = "sampling-panel";
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
    element.append(caption);
    if (samples) {
      element.append(figure(panel));
    } else {
      const placeholder = document.createElement("div");
      placeholder.className = "muted";
      placeholder.style.cssText = "aspect-ratio: 1; display: grid; place-items: center;";
      placeholder.textContent = "sampling…";
      element.append(placeholder);
    }
    grid.append(element);
  }
  return grid;
}

/** The metrics of each panel ("…" while pending) over the floor at the view's n. */
export function panelMetricsTable(view: SamplingView, options: { document?: Document } = {}): HTMLTableElement {
  const rows = view.panels.map((p) => ({ label: stepsLabel(p.steps), metrics: p.state === "pending" ? undefined : p.metrics }));
  return metricsTable(rows, view.floor, { floorLabel: `floor: fresh data, n = ${view.n}`, document: options.document });
}
