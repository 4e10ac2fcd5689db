/**
 * The trajectories page's precomputed views, from the default run:
 *   - the reverse process of a few samplers, every state x_t and prediction x̂_0 along the way (long runs
 *     thinned to about 100 frames), with each point's colour: where it ends along the spiral;
 *   - samples from every training checkpoint at 10, 50 and 1000 sampling steps, one x_T for all.
 * Both are float32 bundles (src/core/floatBundle.ts), sampled on onnxruntime like the pages.
 */
import { concatArrays } from "../../core/concatArrays.js";
import { curvePositions, nearestIndices } from "../../core/curvePosition.js";
import { encodeBundle } from "../../core/floatBundle.js";
import { datasetFloor, evaluate, type Metrics, prepareReference } from "../../core/metrics.js";
import { sample } from "../../core/sample.js";
import type { DdpmVariance, SamplerName } from "../../core/samplers/index.js";
import type { Schedule } from "../../core/schedule.js";
import { openDenoiser } from "../../io/models.js";
import { defaultCheckpoint, GRID_POINTS, PANEL_STEPS, type RunInfo, runInfoOf, trainingData } from "./sampling.js";

/** Points in each trajectory: enough to see the shape, small enough to ship every frame. */
export const TRAJECTORY_POINTS = 256;
export const TRAJECTORY_SEED = 0;
/** Frames kept of a long run (plus its final samples). */
export const MAX_FRAMES = 100;

export interface TrajectoryRun {
  /** Key of the run's arrays: <id>-xt, <id>-x0 (frames × 2n each) and <id>-end (n values in [0, 1]). */
  id: string;
  sampler: SamplerName;
  steps: number;
  eta?: number;
  variance?: DdpmVariance;
}

export const TRAJECTORY_RUNS: TrajectoryRun[] = [
  { id: "ddpm-1000", sampler: "ddpm", steps: 1000, variance: "betaTilde" },
  { id: "ddim-50", sampler: "ddim", steps: 50, eta: 0 },
  { id: "dpm-10", sampler: "dpm-solver++", steps: 10 },
];

export interface FrameMeta {
  /** The sampling step whose input this frame is (k = steps: the final samples). */
  k: number;
  /** Paper time t of x_t (0 for the final samples). */
  t: number;
}

export interface TrajectoriesMeta {
  source: RunInfo;
  n: number;
  seed: number;
  runs: (TrajectoryRun & { frames: FrameMeta[] })[];
}

/**
 * The steps k (0 … steps − 1) to keep as frames: all of them for short runs; for long ones, about
 * `count` spread evenly in log-SNR λ = log(ᾱ/(1 − ᾱ)), the sampler's natural clock. On the linear
 * schedule that is one frame per 10 to 17 steps for most of the run and denser in the last few dozen,
 * where the shape sharpens.
 */
export function frameSteps(schedule: Schedule, timesteps: number[], count = MAX_FRAMES): number[] {
  if (timesteps.length <= count) return timesteps.map((_, k) => k);
  const lambda = timesteps.map((t) => schedule.logSnr[t]);
  const first = lambda[0];
  const last = lambda[lambda.length - 1];
  const kept = new Set<number>();
  let k = 0;
  for (let f = 0; f < count; f++) {
    const target = first + ((last - first) * f) / (count - 1);
    while (k < lambda.length - 1 && lambda[k] < target) k++;
    kept.add(k);
  }
  return [...kept].sort((a, b) => a - b);
}

/** Each point's position along the training data's curve (0 … 1), through its nearest data point. */
function endPositions(points: Float64Array, data: Float64Array, positions: Float64Array): Float64Array {
  return Float64Array.from(nearestIndices(points, data), (i) => positions[i]);
}

/** Every trajectory run of the final model, thinned, as one bundle. */
export async function trajectories(): Promise<Uint8Array> {
  const model = await defaultCheckpoint();
  const data = trainingData(model.manifest.config);
  const positions = curvePositions(data);
  const denoiser = await openDenoiser(model);
  try {
    const arrays: Record<string, Float64Array> = {};
    const runs: TrajectoriesMeta["runs"] = [];
    for (const run of TRAJECTORY_RUNS) {
      const result = await sample({
        schedule: model.schedule,
        denoiser,
        sampler: run.sampler,
        steps: run.steps,
        eta: run.eta,
        variance: run.variance,
        n: TRAJECTORY_POINTS,
        seed: TRAJECTORY_SEED,
        trajectory: true,
      });
      const { xt, x0 } = result.trajectory!;
      const kept = frameSteps(model.schedule, result.timesteps);
      // The last frame is the samples themselves, their own x̂_0.
      arrays[`${run.id}-xt`] = concatArrays([...kept.map((k) => xt[k]), result.samples]);
      arrays[`${run.id}-x0`] = concatArrays([...kept.map((k) => x0[k]), result.samples]);
      arrays[`${run.id}-end`] = endPositions(result.samples, data, positions);
      const frames = [...kept.map((k) => ({ k, t: result.timesteps[k] + 1 })), { k: run.steps, t: 0 }];
      runs.push({ ...run, frames });
    }
    const meta: TrajectoriesMeta = { source: runInfoOf(model), n: TRAJECTORY_POINTS, seed: TRAJECTORY_SEED, runs };
    return encodeBundle(meta, arrays);
  } finally {
    await denoiser.dispose?.();
  }
}

export interface CheckpointGridMeta {
  source: RunInfo;
  n: number;
  seed: number;
  sampler: SamplerName;
  variance: DdpmVariance;
  /** Training steps of the checkpoints, with the training loss each was saved at. */
  checkpoints: { step: number; loss: number }[];
  /** Sampling step counts. */
  steps: number[];
  /** One per checkpoint × step count; arrays c<step>-s<steps> (samples) and c<step>-s<steps>-end. */
  cells: { checkpoint: number; steps: number; metrics: Metrics }[];
  floor: Metrics;
}

/** Samples of every checkpoint of the default run at each of PANEL_STEPS, from one x_T. */
export async function checkpointGrid(): Promise<Uint8Array> {
  const final = await defaultCheckpoint();
  const config = final.manifest.config;
  const data = trainingData(config);
  const positions = curvePositions(data);
  const reference = prepareReference(data);
  const sampler: SamplerName = "ddpm";
  const variance: DdpmVariance = "betaTilde";
  const arrays: Record<string, Float64Array> = {};
  const cells: CheckpointGridMeta["cells"] = [];
  for (const { step } of final.manifest.checkpoints) {
    const model = await defaultCheckpoint(step);
    const denoiser = await openDenoiser(model);
    try {
      for (const steps of PANEL_STEPS) {
        const { samples } = await sample({
          schedule: model.schedule,
          denoiser,
          sampler,
          variance,
          steps,
          n: GRID_POINTS,
          seed: TRAJECTORY_SEED,
        });
        arrays[`c${step}-s${steps}`] = samples;
        arrays[`c${step}-s${steps}-end`] = endPositions(samples, data, positions);
        cells.push({ checkpoint: step, steps, metrics: evaluate(samples, reference) });
      }
    } finally {
      await denoiser.dispose?.();
    }
  }
  const { name, ...options } = config.dataset;
  const meta: CheckpointGridMeta = {
    source: runInfoOf(final),
    n: GRID_POINTS,
    seed: TRAJECTORY_SEED,
    sampler,
    variance,
    checkpoints: final.manifest.checkpoints.map(({ step, loss }) => ({ step, loss })),
    steps: PANEL_STEPS,
    cells,
    floor: datasetFloor(name, options, GRID_POINTS),
  };
  return encodeBundle(meta, arrays);
}
