/**
 * Data for the training-T page: models trained with T = 10, 50 and 1000 steps (the default config with
 * only schedule.T changed; the short ones are trained on first use and cached under data/runs/), each
 * sampled with all of its own steps, and the T = 1000 model sampled with 10, 50 and 1000 steps.
 *
 * Every set is DDPM (ancestral, β̃ variance) from N(0, I): that is where sampling starts whatever T was
 * trained. Metrics are the quality table's (mean ± sd over seeds, with the dataset's own floor); the
 * points shown are seed 0's. A last pair starts the short models from q(x_T | x_0) of held-out data
 * instead, to separate "the model is poor" from "the start is wrong".
 */
import { basename } from "node:path";
import { createReferenceDenoiser } from "../../engines/reference/referenceDenoiser.js";
import { makeDataset } from "../../core/datasets.js";
import type { Denoiser } from "../../core/denoiser.js";
import { qSample } from "../../core/forward.js";
import { evaluate, type Metrics, prepareReference } from "../../core/metrics.js";
import { Rng } from "../../core/random.js";
import { sample } from "../../core/sample.js";
import { makeSchedule, type Schedule } from "../../core/schedule.js";
import { modelDims, parseTrainConfig, type TrainConfig } from "../../core/training/config.js";
import { DEFAULT_CONFIG_PATH, defaultRun, readTrainConfig } from "../../io/defaultRun.js";
import { type MetricSummaries, qualityTable } from "../../core/quality.js";
import { ensureRun } from "../../io/runCache.js";
import { loadCheckpoint } from "../../io/runStore.js";

export const TRAINED_T = [10, 50, 1000];
export const SAMPLING_STEPS = [10, 50, 1000];
export const SAMPLER = "ddpm";
export const SAMPLES = 512;
export const SEEDS = [0, 1, 2];
/** Offsets the held-out data that the forward-started sets noise (the training set uses the config's seed). */
const HELD_OUT_SEED = 1000;
/** Decimals kept in the JSON: 10⁻⁴ is far below a pixel of any plot. */
const DECIMALS = 4;

export interface TrainedModel {
  T: number;
  /** Run directory name under data/runs/. */
  run: string;
  step: number;
  /** Held-out loss of the last checkpoint (per coordinate, mean over timestep buckets). */
  loss: number;
  /** Trained by this build rather than found in the cache. */
  trainedNow: boolean;
}

export interface SampleSet {
  trainedT: number;
  steps: number;
  /** Where x_T came from: N(0, I), or the forward process run on held-out data. */
  start: "noise" | "forward";
  /** Interleaved points of seed 0. */
  samples: number[];
  /** Mean ± sd over SEEDS (noise starts), or the single seed-0 value with sd 0 (forward starts). */
  metrics: MetricSummaries;
}

export interface TrainingTData {
  dataset: TrainConfig["dataset"];
  /** The default schedule; the short models differ only in T. */
  schedule: TrainConfig["schedule"];
  sampler: string;
  n: number;
  seeds: number[];
  floor: MetricSummaries;
  models: TrainedModel[];
  sets: SampleSet[];
}

const round = (points: Float64Array) => Array.from(points, (v) => Number(v.toFixed(DECIMALS)));
const single = (m: Metrics): MetricSummaries => ({
  swd: { mean: m.swd, sd: 0 },
  mmd: { mean: m.mmd, sd: 0 },
  precision: { mean: m.precision, sd: 0 },
  coverage: { mean: m.coverage, sd: 0 },
});

/** The default config with another T, everything else equal. */
export function configWithT(base: TrainConfig, T: number): TrainConfig {
  return parseTrainConfig({ ...base, schedule: { ...base.schedule, T } });
}

async function modelFor(T: number, base: TrainConfig, log: (line: string) => void) {
  let dir: string;
  let trainedNow = false;
  if (T === base.schedule.T) dir = (await defaultRun()).dir;
  else {
    let reported = -1;
    ({ dir, trained: trainedNow } = await ensureRun(configWithT(base, T), {
      command: `ensureRun (src/data/views/trainingT.ts): ${DEFAULT_CONFIG_PATH.split("/").slice(-3).join("/")} with schedule.T = ${T}`,
      onProgress: ({ step, steps }) => {
        const tenth = Math.floor((10 * step) / steps);
        if (tenth > reported) log(`training T = ${T}: step ${step} of ${steps}`);
        reported = tenth;
      },
    }));
  }
  const { manifest, step, params } = await loadCheckpoint(dir);
  const config = manifest.config;
  const schedule = makeSchedule(config.schedule);
  const denoiser = createReferenceDenoiser(params, { parameterization: config.model.parameterization, dims: modelDims(config.model) });
  const loss = manifest.checkpoints.find((c) => c.step === step)!.loss;
  return { schedule, denoiser, info: { T, run: basename(dir), step, loss, trainedNow } };
}

async function noiseStarted(
  denoiser: Denoiser,
  schedule: Schedule,
  dataset: TrainConfig["dataset"],
  steps: number[],
): Promise<{ sets: SampleSet[]; floor: MetricSummaries }> {
  const table = await qualityTable({
    denoiser,
    schedule,
    dataset,
    runs: steps.map((s) => ({ sampler: SAMPLER, steps: s })),
    n: SAMPLES,
    seeds: SEEDS,
  });
  const sets: SampleSet[] = [];
  for (const row of table.rows) {
    // The quality table keeps metrics only: draw seed 0's points again (the same draw) to show them.
    const { samples } = await sample({ schedule, denoiser, sampler: SAMPLER, steps: row.steps, n: SAMPLES, seed: SEEDS[0] });
    sets.push({ trainedT: schedule.T, steps: row.steps, start: "noise", samples: round(samples), metrics: row.metrics });
  }
  return { sets, floor: table.floor };
}

/** The short model started from x_T ~ q(x_T | x_0) of held-out data: the start its training expects. */
async function forwardStarted(denoiser: Denoiser, schedule: Schedule, dataset: TrainConfig["dataset"]): Promise<SampleSet> {
  const { name, seed, noise } = dataset;
  const x0 = makeDataset(name, { n: SAMPLES, seed: seed + HELD_OUT_SEED, noise });
  const xT = qSample(schedule, x0, schedule.T - 1, new Rng(seed + HELD_OUT_SEED)).xt;
  const { samples } = await sample({ schedule, denoiser, sampler: SAMPLER, steps: schedule.T, n: SAMPLES, seed: SEEDS[0], xT });
  const reference = prepareReference(makeDataset(name, { n: dataset.n, seed, noise }));
  return {
    trainedT: schedule.T,
    steps: schedule.T,
    start: "forward",
    samples: round(samples),
    metrics: single(evaluate(samples, reference)),
  };
}

export async function trainingTData(log: (line: string) => void = () => {}): Promise<TrainingTData> {
  const base = await readTrainConfig(DEFAULT_CONFIG_PATH);
  const models: TrainedModel[] = [];
  const sets: SampleSet[] = [];
  const forward: SampleSet[] = [];
  let floor: MetricSummaries | undefined;
  for (const T of TRAINED_T) {
    const { schedule, denoiser, info } = await modelFor(T, base, log);
    models.push(info);
    // The full-length model is also sampled on shorter grids; the short models only with their own T.
    const steps = T === base.schedule.T ? SAMPLING_STEPS : [T];
    const started = await noiseStarted(denoiser, schedule, base.dataset, steps);
    sets.push(...started.sets);
    floor ??= started.floor;
    if (T !== base.schedule.T) forward.push(await forwardStarted(denoiser, schedule, base.dataset));
    log(`T = ${T}: sampled with ${steps.join(", ")} steps`);
  }
  return { dataset: base.dataset, schedule: base.schedule, sampler: SAMPLER, n: SAMPLES, seeds: SEEDS, floor: floor!, models, sets: [...sets, ...forward] };
}
