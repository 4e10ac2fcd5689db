/**
 * The Sampling page's heavy work, wherever it runs (in the page's sampling worker, samplingWorker.ts;
 * the tests call it directly): each model opened once, its floor at each n, its training points'
 * places along the spiral, and the panels a run asks for, each with where its samples end and its
 * metrics. `PanelBackend` is what the page's runs (samplingPanels.ts) ask of it.
 */

import { curvePositions, nearestIndices } from "../core/curvePosition.js";
import { datasetFloor, evaluate, type Metrics, prepareReference, type PreparedReference } from "../core/metrics.js";
import type { Objective } from "../core/settings.js";
import { splitHalfFloor } from "../core/splitHalf.js";
import type { ModelChoice, OpenModel } from "./samplingModels.js";
import { type PanelSettings, samplePanels } from "./samplingRunner.js";

/** What the page needs to know of a model before it samples. */
export interface ModelFacts {
  engine: string;
  objective: Objective;
  /** The most steps a panel takes: T for DDPM, FLOW_MAX_STEPS for flow matching. */
  maxSteps: number;
  /** The training set, drawn behind the samples and scored against. */
  data: Float64Array;
  /** Whether panels colour points by where they end: the model was trained on the built-in spiral. */
  byEnd: boolean;
  /** Whether the data is a points file (drawn or uploaded): its floor is then split-half. */
  ownData: boolean;
}

export interface PanelRequest {
  choice: ModelChoice;
  settings: Omit<PanelSettings, "steps">;
  /** The step counts of the panels to sample, in order. */
  steps: number[];
}

export interface SampledPanel {
  steps: number;
  samples: Float64Array;
  /** Wall-clock time of this panel's sampling, in ms. */
  ms: number;
  /** Where each sample ends along the spiral (0 … 1), for a model of the spiral. */
  end?: Float64Array;
  metrics: Metrics;
}

export interface PanelCallbacks {
  /** Steps done and to do, over the request's panels. */
  onProgress?: (done: number, total: number) => void;
  /** A panel's points on the way (index into the request's steps). */
  onPartial?: (index: number, x: Float64Array, done: number) => void;
  onPanel?: (index: number, panel: SampledPanel) => void;
}

export interface PanelBackend {
  /** Opens the model (once per visit). */
  describe(choice: ModelChoice): Promise<ModelFacts>;
  /** The metrics of data against data at n: fresh draws of a built-in set, split halves of a points file. */
  floor(choice: ModelChoice, n: number): Promise<Metrics>;
  /** Samples the request's panels in order; rejects with the signal's reason when aborted. */
  sample(request: PanelRequest, signal: AbortSignal, callbacks: PanelCallbacks): Promise<void>;
}

/** Floor draws averaged, as the built-in sets' datasetFloor averages three fresh draws. */
export const FLOOR_DRAWS = 3;

/** The floor of a model's training data at n (see PanelBackend.floor). */
export function trainingFloor(model: Pick<OpenModel, "trainedOn" | "data">, n: number): Metrics {
  const { trainedOn } = model;
  if (!("points" in trainedOn)) {
    const { name, ...options } = trainedOn.dataset;
    return datasetFloor(name, options, n, { draws: FLOOR_DRAWS });
  }
  const mean: Metrics = { swd: 0, mmd: 0, precision: 0, coverage: 0 };
  for (let seed = 1; seed <= FLOOR_DRAWS; seed++) {
    const metrics = splitHalfFloor(model.data, n, seed);
    for (const key of Object.keys(mean) as (keyof Metrics)[]) mean[key] += metrics[key] / FLOOR_DRAWS;
  }
  return mean;
}

/**
 * The training points' positions along the spiral: for a model of the built-in spiral whose neighbour
 * graph holds together (curvePositions refuses one too sparse), else null.
 */
export function spiralPositions(model: Pick<OpenModel, "trainedOn" | "data">): Float64Array | null {
  if (!("dataset" in model.trainedOn) || model.trainedOn.dataset.name !== "spiral") return null;
  try {
    return curvePositions(model.data);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return null;
  }
}

/**
 * Where each sample ends along the training data's spiral, through its nearest training point, given
 * `positions`, the training points' own (curvePositions of the data).
 */
export function endPositions(samples: Float64Array, data: Float64Array, positions: Float64Array): Float64Array {
  return Float64Array.from(nearestIndices(samples, data), (i) => positions[i]);
}

export interface PanelWorkOptions {
  /** Opens a model choice (called once per choice, again only after a failure). */
  open: (choice: ModelChoice) => Promise<OpenModel>;
  /** How often the sampler lets messages (an abort) through, in ms of work. */
  sliceMs?: number;
  /** How often a panel's points on the way are handed out, in ms. */
  partialMs?: number;
}

/** The work itself, with what it keeps for the visit: opened models, prepared training sets, floors, spiral positions. */
export function panelWork(options: PanelWorkOptions): PanelBackend {
  const { open, sliceMs = 50, partialMs = 250 } = options;
  const opened = new Map<ModelChoice, Promise<{ model: OpenModel; reference: PreparedReference; positions: Float64Array | null }>>();
  const floors = new Map<string, Metrics>();
  const prepared = (choice: ModelChoice) => {
    let promise = opened.get(choice);
    if (!promise) {
      promise = open(choice).then((model) => ({ model, reference: prepareReference(model.data), positions: spiralPositions(model) }));
      promise.catch(() => opened.delete(choice));
      opened.set(choice, promise);
    }
    return promise;
  };
  return {
    async describe(choice) {
      const { model, positions } = await prepared(choice);
      return {
        engine: model.engine,
        objective: model.objective,
        maxSteps: model.maxSteps,
        data: model.data,
        byEnd: positions !== null,
        ownData: "points" in model.trainedOn,
      };
    },
    async floor(choice, n) {
      const { model } = await prepared(choice);
      const key = `${choice} ${n}`;
      if (!floors.has(key)) floors.set(key, trainingFloor(model, n));
      return floors.get(key)!;
    },
    async sample(request, signal, callbacks) {
      const { model, reference, positions } = await prepared(request.choice);
      signal.throwIfAborted();
      await samplePanels({
        schedule: model.schedule,
        denoiser: model.denoiser,
        settings: { ...request.settings, steps: request.steps },
        signal,
        sliceMs,
        partialMs,
        onProgress: callbacks.onProgress,
        onPartial: callbacks.onPartial,
        onPanel: (index, panel) => {
          const end = positions ? endPositions(panel.samples, model.data, positions) : undefined;
          callbacks.onPanel?.(index, { ...panel, end, metrics: evaluate(panel.samples, reference) });
        },
      });
    },
  };
}
