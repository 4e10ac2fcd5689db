/**
 * The training loop of Ho et al. (2020), Algorithm 1, around any TrainEngine:
 *   1. x_0 ~ data (uniform over the dataset, with replacement)
 *   2. t ~ Uniform{0 … T−1} (schedule indices)
 *   3. ε ~ N(0, I)
 *   4. x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, target = ε, x_0 or v;  engine.step takes one optimizer step on
 *      ‖output − target‖²
 * Every draw comes from one Rng(training.seed), point by point (data index, t, then ε's two normals), so
 * each engine sees the same batches. Checkpoints are scored on a fixed evaluation set with the float64
 * reference network (mlp.ts), so their losses do not depend on the engine either.
 */

import { makeDataset } from "../datasets.js";
import { qSample } from "../forward.js";
import { initMlpParams, mlpForward, mlpLayout } from "../mlp.js";
import { type Parameterization, targetFor } from "../parameterization.js";
import { Rng } from "../random.js";
import { makeSchedule, type Schedule } from "../schedule.js";
import type { TrainBatch, TrainEngine } from "./engine.js";
import { modelDims, type TrainConfig } from "./config.js";

/** Points of the evaluation set; each one is scored once in every timestep bucket. */
export const EVAL_POINTS = 2048;
/** Equal-width buckets of schedule indices in lossByTimestep (fewer when T < 10). */
export const EVAL_BUCKETS = 10;
/** Offsets the evaluation draws from any training seed (config seeds stay below 2³²). */
export const EVAL_SEED = 2 ** 32 + 0xe7a1;
/** The loss history keeps at most this many entries, merging neighbours when it would grow past it. */
export const MAX_HISTORY_ENTRIES = 4096;
/** Progress reports (and the loop's yields to the event loop, which let an abort through) this often. */
export const PROGRESS_INTERVAL_MS = 100;

/** Mean loss over the schedule indices [from, to). */
export interface TimestepLoss {
  from: number;
  to: number;
  loss: number;
}

/** Entry i is the mean training loss over the steps (steps[i−1], steps[i]] (steps[−1] = 0). */
export interface LossHistory {
  steps: number[];
  loss: number[];
}

export interface CheckpointEvent {
  /** Updates done: 0 is the initial network. */
  step: number;
  /** The weights (the EMA weights when training.ema > 0), flat MLP layout. */
  params: Float32Array;
  /** Loss on the whole evaluation set: the mean of lossByTimestep. */
  loss: number;
  lossByTimestep: TimestepLoss[];
  /** The loss history up to this step. */
  lossHistory: LossHistory;
}

export interface ProgressEvent {
  step: number;
  steps: number;
  /** Mean training loss since the previous report. */
  loss: number;
  stepsPerSecond: number;
  etaSeconds: number;
}

export interface TrainOptions {
  onProgress?: (event: ProgressEvent) => void;
  /** Awaited before training goes on, so a checkpoint is on disk before the next step. */
  onCheckpoint?: (event: CheckpointEvent) => void | Promise<void>;
  /** Aborting stops the loop after the step in flight; the last finished step is then checkpointed. */
  signal?: AbortSignal;
  /** The weights the engine was built from (default initialParams(config)); checked against it at step 0. */
  startParams?: Float32Array;
  /** Evaluation points per timestep bucket (default EVAL_POINTS). */
  evalPoints?: number;
}

export interface TrainResult {
  /** The last finished step: training.steps unless aborted. */
  step: number;
  steps: number;
  aborted: boolean;
  /** Weights at `step` (EMA weights when training.ema > 0). */
  params: Float32Array;
  lossHistory: LossHistory;
  /** Steps at which onCheckpoint was called. */
  checkpoints: number[];
  seconds: number;
}

/** A NaN or infinite loss: training stopped at `step`; the checkpoints before it are good. */
export class TrainingDivergedError extends Error {
  override name = "TrainingDivergedError";
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly lastCheckpoint: number | undefined,
    /** The finite losses up to the step before. */
    readonly lossHistory: LossHistory,
  ) {
    const kept = lastCheckpoint === undefined ? "no checkpoint saved" : `last good checkpoint: step ${lastCheckpoint}`;
    super(`training diverged at step ${step}: loss is ${loss} (${kept})`);
  }
}

/** The network every run starts from: initMlpParams(training.seed) for the configured widths. */
export function initialParams(config: TrainConfig): Float32Array {
  return initMlpParams(config.training.seed, modelDims(config.model));
}

/**
 * The learning rate of update k (0-based): linear warm-up to lr over `warmup` updates, then constant
 * or a half cosine that ends near 0 (never at it: the last update still gets lr·(1 − cos(π/n))/2).
 */
export function learningRate(training: TrainConfig["training"], k: number): number {
  const { lr, lrSchedule, warmup, steps } = training;
  if (!Number.isInteger(k) || k < 0 || k >= steps) {
    throw new RangeError(`k must be an integer from 0 to ${steps - 1}, got ${k}`);
  }
  if (k < warmup) return (lr * (k + 1)) / warmup;
  if (lrSchedule === "constant") return lr;
  const progress = (k - warmup) / (steps - warmup);
  return 0.5 * lr * (1 + Math.cos(Math.PI * progress));
}

/** target = coefX0[t] x_0 + coefEps[t] ε: the parameterization's target is linear in (x_0, ε). */
function targetCoefficients(schedule: Schedule, parameterization: Parameterization) {
  const coefX0 = new Float64Array(schedule.T);
  const coefEps = new Float64Array(schedule.T);
  for (let i = 0; i < schedule.T; i++) {
    // targetFor on the unit pair (x_0, ε) = ((1, 0), (0, 1)) reads off both coefficients.
    const unit = targetFor(parameterization, [1, 0], [0, 1], schedule.alphaBars[i]);
    coefX0[i] = unit[0];
    coefEps[i] = unit[1];
  }
  return { coefX0, coefEps };
}

/**
 * The stream of training batches for a config (steps 1–4 above). The returned batch's arrays are
 * reused by the next call: engines must be done with them when step() resolves.
 */
export function batchStream(config: TrainConfig): () => TrainBatch {
  const { name, n, seed, noise } = config.dataset;
  const data = makeDataset(name, { n, seed, noise });
  const schedule = makeSchedule(config.schedule);
  const { coefX0, coefEps } = targetCoefficients(schedule, config.model.parameterization);
  const rng = new Rng(config.training.seed);
  const B = config.training.batch;
  const x0 = new Float64Array(2 * B);
  const eps = new Float64Array(2 * B);
  const batch: TrainBatch = { xt: new Float32Array(2 * B), t: new Int32Array(B), target: new Float32Array(2 * B) };
  return () => {
    for (let i = 0; i < B; i++) {
      const j = rng.int(n);
      x0[2 * i] = data[2 * j];
      x0[2 * i + 1] = data[2 * j + 1];
      batch.t[i] = rng.int(schedule.T);
      eps[2 * i] = rng.normal();
      eps[2 * i + 1] = rng.normal();
    }
    // (4) in float64, then rounded once to the engines' float32.
    batch.xt.set(qSample(schedule, x0, batch.t, eps).xt);
    for (let i = 0; i < 2 * B; i++) {
      const t = batch.t[i >> 1];
      batch.target[i] = coefX0[t] * x0[i] + coefEps[t] * eps[i];
    }
    return batch;
  };
}

/** A fixed, seeded evaluation set: every point at one t in each bucket, with the exact target. */
export interface EvalSet {
  buckets: { from: number; to: number }[];
  /** Points per bucket; point p of bucket b is row b·points + p. */
  points: number;
  xt: Float64Array;
  t: Int32Array;
  target: Float64Array;
  dims: number[];
}

/**
 * A held-out draw of the config's dataset (its own seed), scored in each of min(10, T) equal-width
 * buckets of schedule indices at a t uniform within the bucket, with fresh ε. It depends on the
 * dataset, schedule and parameterization only: never on the training stream or the engine.
 */
export function makeEvalSet(config: TrainConfig, points = EVAL_POINTS): EvalSet {
  if (!Number.isInteger(points) || points < 1 || points > 100_000) {
    throw new RangeError(`evalPoints must be an integer from 1 to 100000, got ${points}`);
  }
  const { name, seed, noise } = config.dataset;
  const x0 = makeDataset(name, { n: points, seed: seed + EVAL_SEED, noise });
  const schedule = makeSchedule(config.schedule);
  const T = schedule.T;
  const K = Math.min(EVAL_BUCKETS, T);
  const buckets = Array.from(
    { length: K },
    (_, b) => ({ from: Math.floor((b * T) / K), to: Math.floor(((b + 1) * T) / K) }),
  );
  const rng = new Rng(EVAL_SEED);
  const rows = K * points;
  const x0Rows = new Float64Array(2 * rows);
  const t = new Int32Array(rows);
  buckets.forEach(({ from, to }, b) => {
    x0Rows.set(x0, 2 * b * points);
    for (let p = 0; p < points; p++) t[b * points + p] = from + rng.int(to - from);
  });
  const { xt, eps } = qSample(schedule, x0Rows, t, rng);
  const { coefX0, coefEps } = targetCoefficients(schedule, config.model.parameterization);
  const target = new Float64Array(2 * rows);
  for (let i = 0; i < 2 * rows; i++) target[i] = coefX0[t[i >> 1]] * x0Rows[i] + coefEps[t[i >> 1]] * eps[i];
  return { buckets, points, xt, t, target, dims: modelDims(config.model) };
}

/** Mean squared error per bucket of the float64 reference network on the evaluation set. */
export function evaluateLossByTimestep(params: Float32Array, evalSet: EvalSet): TimestepLoss[] {
  const { buckets, points, xt, t, target, dims } = evalSet;
  const output = mlpForward(params, xt, t, dims);
  return buckets.map(({ from, to }, b) => {
    let sum = 0;
    for (let i = 2 * b * points; i < 2 * (b + 1) * points; i++) sum += (output[i] - target[i]) ** 2;
    return { from, to, loss: sum / (2 * points) };
  });
}

/**
 * Windowed means of the training loss: one entry per `every` steps. Past MAX_HISTORY_ENTRIES it merges
 * neighbouring entries (a step-weighted mean, so each stays the exact mean of its window) and doubles
 * the window, so a 10⁶-step run keeps a few thousand numbers.
 */
class LossLog {
  readonly steps: number[] = [];
  readonly loss: number[] = [];
  #every: number;
  #sum = 0;
  #count = 0;

  constructor(every: number) {
    this.#every = every;
  }

  add(step: number, loss: number): void {
    this.#sum += loss;
    this.#count++;
    if (step - (this.steps[this.steps.length - 1] ?? 0) >= this.#every) this.flush(step);
  }

  /** Closes the current window at `step` (no-op when empty). */
  flush(step: number): void {
    if (this.#count === 0) return;
    this.steps.push(step);
    this.loss.push(this.#sum / this.#count);
    this.#sum = 0;
    this.#count = 0;
    if (this.steps.length > MAX_HISTORY_ENTRIES) this.#halve();
  }

  #halve(): void {
    const steps: number[] = [];
    const loss: number[] = [];
    for (let i = 0; i < this.steps.length; i += 2) {
      const start = i === 0 ? 0 : this.steps[i - 1];
      if (i + 1 === this.steps.length) {
        steps.push(this.steps[i]);
        loss.push(this.loss[i]);
        break;
      }
      const a = this.steps[i] - start;
      const b = this.steps[i + 1] - this.steps[i];
      steps.push(this.steps[i + 1]);
      loss.push((a * this.loss[i] + b * this.loss[i + 1]) / (a + b));
    }
    this.steps.splice(0, Infinity, ...steps);
    this.loss.splice(0, Infinity, ...loss);
    this.#every *= 2;
  }

  snapshot(): LossHistory {
    return { steps: [...this.steps], loss: [...this.loss] };
  }
}

/** Lets timers and events (an abort from Ctrl-C or a stop button) run between synchronous engine steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function sameParams(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Trains `engine` as `config` says, calling onCheckpoint at each checkpoint step. */
export async function train(
  config: TrainConfig,
  engine: TrainEngine,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const { onProgress, onCheckpoint, signal } = options;
  const { steps, checkpoints, ema, logEvery } = config.training;
  const size = mlpLayout(modelDims(config.model)).size;
  const expected = options.startParams ?? initialParams(config);
  if (expected.length !== size) throw new RangeError(`startParams must hold ${size} values, got ${expected.length}`);
  const start = await engine.params();
  if (!sameParams(start, expected)) {
    throw new RangeError(
      `engine ${engine.name} does not start from ${
        options.startParams ? "startParams" : "initialParams(config)"
      }: build it from those weights`,
    );
  }

  const nextBatch = batchStream(config);
  const evalSet = makeEvalSet(config, options.evalPoints);
  const log = new LossLog(logEvery);
  const checkpointSteps = new Set(checkpoints);
  const emitted: number[] = [];
  // The EMA shadow, kept in float64 so that (1 − decay)·Δ does not vanish against float32 rounding.
  const shadow = ema > 0 ? Float64Array.from(start) : undefined;
  const current = async () => (shadow ? Float32Array.from(shadow) : await engine.params());

  const checkpoint = async (step: number, params: Float32Array) => {
    const lossByTimestep = evaluateLossByTimestep(params, evalSet);
    const loss = lossByTimestep.reduce((sum, bucket) => sum + bucket.loss, 0) / lossByTimestep.length;
    if (!Number.isFinite(loss)) {
      throw new TrainingDivergedError(step, loss, emitted[emitted.length - 1], log.snapshot());
    }
    await onCheckpoint?.({ step, params, loss, lossByTimestep, lossHistory: log.snapshot() });
    emitted.push(step);
  };

  const began = performance.now();
  if (checkpointSteps.has(0)) await checkpoint(0, start);
  const loopStart = performance.now();
  let lastReport = loopStart;
  let reportSum = 0;
  let reportCount = 0;
  let step = 0;
  while (step < steps && !signal?.aborted) {
    const loss = await engine.step(nextBatch(), learningRate(config.training, step));
    step++;
    if (!Number.isFinite(loss)) {
      log.flush(step - 1);
      throw new TrainingDivergedError(step, loss, emitted[emitted.length - 1], log.snapshot());
    }
    log.add(step, loss);
    if (shadow) {
      // Warm-up of the decay as in diffusers' EMAModel: early averages do not drag the initial weights along.
      const decay = Math.min(ema, (1 + step) / (10 + step));
      const params = await engine.params();
      for (let i = 0; i < size; i++) shadow[i] = decay * shadow[i] + (1 - decay) * params[i];
    }
    if (checkpointSteps.has(step)) await checkpoint(step, await current());
    reportSum += loss;
    reportCount++;
    const now = performance.now();
    if (now - lastReport >= PROGRESS_INTERVAL_MS || step === steps) {
      const stepsPerSecond = step / Math.max((now - loopStart) / 1000, 1e-9);
      onProgress?.({
        step,
        steps,
        loss: reportSum / reportCount,
        stepsPerSecond,
        etaSeconds: (steps - step) / stepsPerSecond,
      });
      lastReport = now;
      reportSum = 0;
      reportCount = 0;
      await yieldToEventLoop();
    }
  }
  log.flush(step);
  const params = await current();
  const aborted = step < steps;
  if (aborted && emitted[emitted.length - 1] !== step) await checkpoint(step, params);
  return {
    step,
    steps,
    aborted,
    params,
    lossHistory: log.snapshot(),
    checkpoints: emitted,
    seconds: (performance.now() - began) / 1000,
  };
}
