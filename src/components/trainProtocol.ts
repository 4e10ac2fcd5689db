/**
 * What the Train page and its training worker (trainWorker.ts) say to each other, and the run plan they
 * share: when checkpoints fall, how large the preview is. Types and plain numbers only, so the page can
 * import this file without loading anything the worker loads.
 *
 * page → worker: start once, then pause / resume / stop at any time.
 * worker → page: started (which engine runs), progress (every ~100 ms), checkpoint (weights, held-out
 * loss and a preview sample), then done or failed. The worker is terminated after done or failed.
 */
import type { TrainConfig, TrainConfigInput } from "../core/training/config.js";
import type { LossHistory, TimestepLoss } from "../core/training/train.js";

/** Points in each preview sample: enough to see the shape, few enough to draw in a few ms. */
export const PREVIEW_POINTS = 256;
/** Steps of a preview: DDIM for a DDPM model (fewer when T is smaller), Euler for a flow-matching one. */
export const PREVIEW_SAMPLER_STEPS = 50;
/** Seed of the preview's starting noise: every preview of a run starts from the same x_T. */
export const PREVIEW_SEED = 1;
/** Held-out points per timestep bucket at each checkpoint (the CLI uses 2048; 256 keeps a checkpoint near 0.1 s). */
export const BROWSER_EVAL_POINTS = 256;
/** About this many checkpoints (each with a preview) per run. */
const PREVIEWS_PER_RUN = 20;
/** Checkpoints fall on multiples of this many steps, and never closer together. */
const PREVIEW_GRANULE = 100;

/** Steps between checkpoints: about a twentieth of the run, a multiple of 100, at least 100. */
export function previewEvery(steps: number): number {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  return PREVIEW_GRANULE * Math.max(1, Math.round(steps / PREVIEWS_PER_RUN / PREVIEW_GRANULE));
}

/** The checkpoint steps of a browser run: 0, every previewEvery(steps) steps, and the last step. */
export function browserCheckpoints(steps: number): number[] {
  const every = previewEvery(steps);
  const list: number[] = [];
  for (let step = 0; step < steps; step += every) list.push(step);
  list.push(steps);
  return list;
}

export type TrainRequest =
  /** `points`: the normalised points of a file dataset (config dataset.file), as the CLI reads the file. */
  | { type: "start"; config: TrainConfigInput; points?: Float64Array }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" };

export interface StartedMessage {
  type: "started";
  /** The validated config, every default filled and the browser checkpoints set. */
  config: TrainConfig;
  /** TrainEngine.name of what runs: "tfjs-webgpu", "fused-wasm-simd-fma", … */
  engine: string;
  /** A readable line about the engine, e.g. "wasm (simd on, 1 thread)". */
  detail: string;
  /** Library versions for the run's manifest. */
  versions: Record<string, string>;
  /** Seconds from the start request until the engine was ready (library and shader loading). */
  startSeconds: number;
  /**
   * Sliced Wasserstein distance to the training set of PREVIEW_POINTS data points: a fresh draw of a
   * built-in set, or a random pick (with repeats) of a file's own points, which has no fresh draws.
   */
  swdFloor: number;
}

export interface ProgressMessage {
  type: "progress";
  step: number;
  steps: number;
  /** Mean training loss over the steps since the previous report. */
  loss: number;
  /** Steps per second over the last ~2 s of training, not counting pauses and previews. */
  stepsPerSecond: number;
  /** Seconds of training so far, pauses and previews left out. */
  seconds: number;
}

export interface CheckpointMessage {
  type: "checkpoint";
  step: number;
  params: Float32Array;
  /** Held-out loss (the mean over the timestep buckets), scored by the float64 reference network. */
  loss: number;
  lossByTimestep: TimestepLoss[];
  lossHistory: LossHistory;
  /** PREVIEW_POINTS samples of the network at this step (DDIM with η = 0, or Euler for flow matching), interleaved. */
  preview: Float64Array;
  /** Sliced Wasserstein distance from the preview to the training set (NaN when a sample is not finite). */
  swd: number;
}

/** The step in flight finishes first; the loop then waits. */
export interface PausedMessage {
  type: "paused" | "resumed";
}

export interface DoneMessage {
  type: "done";
  status: "completed" | "aborted";
  step: number;
  lossHistory: LossHistory;
  /** Seconds of training, pauses and previews left out. */
  trainingSeconds: number;
}

export interface FailedMessage {
  type: "failed";
  /** One line. */
  message: string;
  /** Training diverged (a NaN or infinite loss); the checkpoints sent before are good. */
  diverged: boolean;
}

export type TrainMessage =
  | StartedMessage
  | ProgressMessage
  | CheckpointMessage
  | PausedMessage
  | DoneMessage
  | FailedMessage;
