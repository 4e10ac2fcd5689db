/**
 * Sample quality of a denoiser against its dataset, over samplers × step counts × seeds, next to the
 * floor (the same metrics between independent draws of the dataset). Pure, over the rest of src/core:
 * the CLI, the site's views and reports share it.
 */
import { type DatasetName, type DatasetOptions, makeDataset } from "./datasets.js";
import type { Denoiser } from "./denoiser.js";
import { evaluate, type Metrics, type PreparedReference, prepareReference } from "./metrics.js";
import { sample } from "./sample.js";
import type { FlowSamplerName, SamplerName } from "./samplers/index.js";
import type { Schedule } from "./schedule.js";
import type { TimestepSpacing } from "./timesteps.js";
import { splitHalfFloor } from "./splitHalf.js";

export interface QualityRun {
  sampler: SamplerName | FlowSamplerName;
  steps: number;
  eta?: number;
  spacing?: TimestepSpacing;
}

export interface MetricSummary {
  mean: number;
  /** Standard deviation over the seeds (0 with one seed). */
  sd: number;
}

export type MetricSummaries = { [K in keyof Metrics]: MetricSummary };

export interface QualityRow extends QualityRun {
  metrics: MetricSummaries;
  /** Per seed, in the order of `seeds`. */
  perSeed: Metrics[];
}

/** A built-in set by its settings, or (with `file`) a points file, whose points come as `filePoints`. */
export type QualityDataset = { name: DatasetName } & DatasetOptions & { file?: string; sha256?: string };

export interface QualityTable {
  /** The built-in set's settings, or the points file and its SHA-256 alone. */
  dataset: QualityDataset | { file: string; sha256?: string };
  n: number;
  seeds: number[];
  floor: MetricSummaries;
  rows: QualityRow[];
}

export interface QualityOptions {
  denoiser: Denoiser;
  /** A DDPM model's schedule; a flow-matching model (denoiser.objective) has none. */
  schedule?: Schedule;
  dataset: QualityDataset;
  /**
   * The normalised points of dataset.file (userData.ts), read by the shell: they are the reference, and
   * the floor is split-half (splitHalf.ts), since a file has no fresh draws.
   */
  filePoints?: Float64Array;
  runs: QualityRun[];
  /** Samples per run (default 512). */
  n?: number;
  /** Sampling seeds (default 0, 1, 2); the floor uses as many independent draws. */
  seeds?: number[];
  onRow?: (row: QualityRow) => void;
  /**
   * Called before each run × seed is sampled, with the run's index in `runs`: what it returns sees that
   * sampling's steps and its samples, so a caller can keep some of them (a report keeps the first seed's)
   * without sampling them again.
   */
  watch?: (runIndex: number, seed: number) => SamplingWatcher | undefined;
}

export interface SamplingWatcher {
  /** Each step's points (the array is reused: copy what you keep). */
  onStep?: (done: number, steps: number, x: Float64Array) => void;
  onSamples?: (samples: Float64Array) => void;
}

const METRIC_KEYS = ["swd", "mmd", "precision", "coverage"] as const;

function summarize(values: Metrics[]): MetricSummaries {
  const out = {} as MetricSummaries;
  for (const key of METRIC_KEYS) {
    const xs = values.map((v) => v[key]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
    out[key] = { mean, sd: Math.sqrt(variance) };
  }
  return out;
}

export async function qualityTable(options: QualityOptions): Promise<QualityTable> {
  const { denoiser, schedule, dataset, runs } = options;
  const n = options.n ?? 512;
  const seeds = options.seeds ?? [0, 1, 2];
  let prepared: PreparedReference;
  let floorDraws: Metrics[];
  if (dataset.file !== undefined) {
    if (options.filePoints === undefined) throw new RangeError(`dataset.file ${dataset.file}: its points were not given`);
    prepared = prepareReference(options.filePoints);
    // One split of the file's points per seed, so the floor averages as many draws as the rows do.
    floorDraws = seeds.map((_, i) => splitHalfFloor(options.filePoints!, n, i + 1));
  } else {
    const { name, file: _file, sha256: _sha256, ...datasetOptions } = dataset;
    prepared = prepareReference(makeDataset(name, datasetOptions));
    const baseSeed = datasetOptions.seed ?? 0;
    // Each floor draw is its own seed's fresh dataset of n points, so the floor has the samples' size.
    floorDraws = seeds.map((_, i) => evaluate(makeDataset(name, { ...datasetOptions, n, seed: baseSeed + i + 1 }), prepared));
  }
  const rows: QualityRow[] = [];
  for (const [index, run] of runs.entries()) {
    const perSeed: Metrics[] = [];
    for (const seed of seeds) {
      const watcher = options.watch?.(index, seed);
      const { samples } = await sample({
        schedule,
        denoiser,
        sampler: run.sampler,
        steps: run.steps,
        eta: run.eta,
        spacing: run.spacing,
        n,
        seed,
        onStep: watcher?.onStep,
      });
      watcher?.onSamples?.(samples);
      perSeed.push(evaluate(samples, prepared));
    }
    const row = { ...run, metrics: summarize(perSeed), perSeed };
    rows.push(row);
    options.onRow?.(row);
  }
  const shown = dataset.file === undefined ? dataset : { file: dataset.file, sha256: dataset.sha256 };
  return { dataset: shown, n, seeds, floor: summarize(floorDraws), rows };
}
