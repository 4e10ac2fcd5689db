/**
 * The training loop of Ho et al. (2020), Algorithm 1, around any TrainEngine:
 *   1. x_0 ~ data (uniform over the dataset, with replacement)
 *   2. t ~ Uniform{0 … T−1} (schedule indices)
 *   3. ε ~ N(0, I)
 *   4. x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, target = ε, x_0 or v;  engine.step takes one optimizer step on
 *      ‖output − target‖²
 * Flow matching (model.objective) runs the same loop with t drawn from the time indices 0 … 1000
 * (t = k / 1000), x_t = (1 − t) x_0 + t ε and the target ε − x_0 (batches.ts, flow/path.ts).
 * Every draw comes from one Rng(training.seed), point by point (data index, t, then ε's two normals), so
 * each engine sees the same batches. Checkpoints are scored on a fixed evaluation set with the float64
 * reference network (mlp.ts), so their losses do not depend on the engine either.
 */

import type { ReflowPairs } from "../flow/reflow.js";
import { initMlpParams, mlpLayout } from "../mlp.js";
import { batchStream } from "./batches.js";
import { modelDims, type TrainConfig } from "./config.js";
import type { TrainEngine } from "./engine.js";
import { evaluateLossByTimestep, makeEvalSet, type NetworkPass, type TimestepLoss } from "./evaluation.js";
import { learningRate } from "./learningRate.js";
import { type LossHistory, LossLog } from "./lossLog.js";
import { DivergenceWatch } from "./divergence.js";

export type { LossHistory, TimestepLoss };

/** Progress reports (and the loop's yields to the event loop, which let an abort through) this often. */
export const PROGRESS_INTERVAL_MS = 100;

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

/**
 * Where training hands each checkpoint (the run store writes it to a run directory, the Train page
 * previews it). Awaited before training goes on, so a checkpoint is stored before the next step.
 */
export interface CheckpointSink {
  (checkpoint: CheckpointEvent): void | Promise<void>;
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
  onCheckpoint?: CheckpointSink;
  /** Aborting stops the loop after the step in flight; the last finished step is then checkpointed. */
  signal?: AbortSignal;
  /** The weights the engine was built from (default initialParams(config)); checked against it at step 0. */
  startParams?: Float32Array;
  /** Evaluation points per timestep bucket (default EVAL_POINTS). */
  evalPoints?: number;
  /** The network pass that scores checkpoints (default the float64 reference; see evaluation.ts). */
  evalPass?: NetworkPass;
  /**
   * The normalised points of the config's dataset.file (userData.ts), which the shell reads: required
   * for a file dataset, refused for a built-in one. They train the model and score its checkpoints.
   */
  filePoints?: Float64Array;
  /** The teacher's pairs (flow/reflow.ts): required when training.reflow is set, refused otherwise. They replace the data. */
  reflowPairs?: ReflowPairs;
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

/**
 * A NaN or infinite loss, or a loss that blew up (divergence.ts): training stopped at `step`, with no
 * checkpoint saved from that step on.
 */
export class TrainingDivergedError extends Error {
  override name = "TrainingDivergedError";
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly lastCheckpoint: number | undefined,
    /** The losses up to `step` (the step before, when its loss is not finite). */
    readonly lossHistory: LossHistory,
    reason = `loss is ${loss}`,
  ) {
    const kept = lastCheckpoint === undefined ? "no checkpoint saved" : `last good checkpoint: step ${lastCheckpoint}`;
    super(`training diverged at step ${step}: ${reason} (${kept})`);
  }
}

/** The network every run starts from: initMlpParams(training.seed) for the configured widths. */
export function initialParams(config: TrainConfig): Float32Array {
  return initMlpParams(config.training.seed, modelDims(config.model));
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

  const nextBatch = batchStream(config, options.filePoints, options.reflowPairs);
  const evalSet = makeEvalSet(config, options.evalPoints, options.filePoints, options.reflowPairs);
  const log = new LossLog(logEvery);
  const divergence = new DivergenceWatch(evalSet.zeroOutputLoss);
  const checkpointSteps = new Set(checkpoints);
  const emitted: number[] = [];
  // The EMA shadow, kept in float64 so that (1 − decay)·Δ does not vanish against float32 rounding.
  const shadow = ema > 0 ? Float64Array.from(start) : undefined;
  const current = async () => (shadow ? Float32Array.from(shadow) : await engine.params());

  const checkpoint = async (step: number, params: Float32Array) => {
    const lossByTimestep = await evaluateLossByTimestep(params, evalSet, options.evalPass);
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
    if (divergence.add(loss)) {
      log.flush(step);
      throw new TrainingDivergedError(step, loss, emitted[emitted.length - 1], log.snapshot(), divergence.reason());
    }
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
