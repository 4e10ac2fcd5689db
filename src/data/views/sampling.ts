/**
 * What the sampling and trajectories pages precompute at build, from the default run: its final model
 * as ONNX, the quality of every sampler across step counts, the page's default three panels, and the
 * samples of every training checkpoint. Samples travel as float32 bundles (src/core/floatBundle.ts).
 *
 * All sampling goes through onnxruntime (the Node build of onnxruntime-web), the engine the pages run
 * in the browser, so the precomputed views are what a reader's browser computes for the same settings.
 */
import { makeDataset } from "../../core/datasets.js";
import { encodeBundle } from "../../core/floatBundle.js";
import { datasetFloor, evaluate, type Metrics, prepareReference } from "../../core/metrics.js";
import { sample } from "../../core/sample.js";
import type { DdpmVariance, SamplerName } from "../../core/samplers/index.js";
import { SAMPLER_NAMES } from "../../core/settings.js";
import type { TrainConfig } from "../../core/training/config.js";
import { defaultRun } from "../../io/defaultRun.js";
import { type CheckpointModel, checkpointToOnnx, openDenoiser, readCheckpoint } from "../../io/models.js";
import { qualityTable, type QualityTable } from "../../core/quality.js";

/** The lesson's three step counts. */
export const PANEL_STEPS = [10, 50, 1000];
/** Step counts of the quality chart: roughly evenly spaced on a log axis. */
export const QUALITY_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
export const QUALITY_SAMPLERS: SamplerName[] = [...SAMPLER_NAMES];
export const QUALITY_SEEDS = [0, 1, 2];

/** The sampling page's settings before the reader changes anything. */
export const DEFAULT_SETTINGS = {
  sampler: "ddpm" as SamplerName,
  variance: "betaTilde" as DdpmVariance,
  eta: 0,
  steps: PANEL_STEPS,
  seed: 0,
  n: 512,
};

/** The checkpoint grid's samples: fewer points than the panels, as there are many cells. */
export const GRID_POINTS = 256;

/** Which run a view came from, for the page to say. */
export interface RunInfo {
  /** The run directory's name (the config hash prefix). */
  run: string;
  step: number;
  dataset: TrainConfig["dataset"];
  schedule: TrainConfig["schedule"];
  model: TrainConfig["model"];
  engine: string;
}

export function runInfoOf(model: CheckpointModel): RunInfo {
  const { config, engine } = model.manifest;
  return {
    run: model.runDir.split("/").filter(Boolean).pop()!,
    step: model.step,
    dataset: config.dataset,
    schedule: config.schedule,
    model: config.model,
    engine,
  };
}

/** The default run's checkpoint (the last one unless `step`). */
export async function defaultCheckpoint(step?: number): Promise<CheckpointModel> {
  const { dir } = await defaultRun();
  return readCheckpoint(dir, step);
}

/** The training set of a run, the reference every metric is measured against. */
export function trainingData(config: TrainConfig): Float64Array {
  const { name, ...options } = config.dataset;
  return makeDataset(name, options);
}

/** The ONNX bytes of the default run's final model. */
export async function defaultModelOnnx(): Promise<Uint8Array> {
  return checkpointToOnnx(await defaultCheckpoint());
}

export interface SamplingQuality extends QualityTable {
  source: RunInfo;
}

/** Every sampler at every step count of QUALITY_STEPS, three seeds each, n = 512, against the floor. */
export async function samplingQuality(): Promise<SamplingQuality> {
  const model = await defaultCheckpoint();
  const denoiser = await openDenoiser(model);
  try {
    const table = await qualityTable({
      denoiser,
      schedule: model.schedule,
      dataset: model.manifest.config.dataset,
      runs: QUALITY_SAMPLERS.flatMap((sampler) => QUALITY_STEPS.map((steps) => ({ sampler, steps }))),
      n: DEFAULT_SETTINGS.n,
      seeds: QUALITY_SEEDS,
    });
    return { source: runInfoOf(model), ...table };
  } finally {
    await denoiser.dispose?.();
  }
}

export interface PanelMeta {
  steps: number;
  metrics: Metrics;
}

export interface DefaultViewMeta {
  source: RunInfo;
  settings: typeof DEFAULT_SETTINGS;
  panels: PanelMeta[];
  /** The metrics between the training set and fresh draws of n points (mean of three). */
  floor: Metrics;
  /** Size of the ONNX model the page downloads to sample live. */
  onnxBytes: number;
}

/**
 * The sampling page's default view: the three panels from one x_T. Arrays: samples-<steps> for each
 * panel, interleaved points.
 */
export async function defaultSamplingView(): Promise<Uint8Array> {
  const model = await defaultCheckpoint();
  const config = model.manifest.config;
  const { sampler, variance, eta, steps, seed, n } = DEFAULT_SETTINGS;
  const reference = prepareReference(trainingData(config));
  const denoiser = await openDenoiser(model);
  try {
    const arrays: Record<string, Float64Array> = {};
    const panels: PanelMeta[] = [];
    for (const k of steps) {
      const result = await sample({ schedule: model.schedule, denoiser, sampler, variance, eta, steps: k, n, seed });
      arrays[`samples-${k}`] = result.samples;
      panels.push({ steps: k, metrics: evaluate(result.samples, reference) });
    }
    const { name, ...options } = config.dataset;
    const meta: DefaultViewMeta = {
      source: runInfoOf(model),
      settings: DEFAULT_SETTINGS,
      panels,
      floor: datasetFloor(name, options, n),
      onnxBytes: checkpointToOnnx(model).length,
    };
    return encodeBundle(meta, arrays);
  } finally {
    await denoiser.dispose?.();
  }
}
