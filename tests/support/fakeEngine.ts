/**
 * A scripted stand-in for a training engine and the small configs it trains, shared by the training loop's
 * tests (core) and the run directory's (io).
 */

import { expect } from "vitest";
import { parseTrainConfig, type TrainConfig } from "../../src/core/training/config.js";
import type { TrainBatch, TrainEngine } from "../../src/core/training/engine.js";
import { TrainingDivergedError } from "../../src/core/training/train.js";

/**
 * A plain optimizer (constant lr, no warm-up, no EMA) unless a test asks otherwise, so the engine's
 * weights are the checkpoint's; a small network keeps the float64 evaluation cheap.
 */
export const PLAIN = { lr: 1e-3, lrSchedule: "constant", warmup: 0, ema: 0 };

export function smallConfig(training: object = {}, rest: object = {}): TrainConfig {
  return parseTrainConfig({ model: { hidden: [4] }, training: { ...PLAIN, batch: 8, ...training }, ...rest });
}

export interface FakeOptions {
  /** Loss returned by update s (1-based). */
  loss?: (step: number) => number;
  /** Added to every parameter at each update, so checkpoints differ. */
  drift?: number;
  /** Runs inside update s (before it returns). */
  during?: (step: number) => void;
  /** Milliseconds of busy work per update (a synchronous engine that blocks the event loop). */
  busyMs?: number;
  /** Resolve steps asynchronously, like a GPU engine. */
  async?: boolean;
}

/** An engine that records what the loop hands it and returns scripted losses. */
export class FakeEngine implements TrainEngine {
  readonly batches: TrainBatch[] = [];
  readonly lrs: number[] = [];
  /** Parameters after each update s, at index s (index 0: the start). */
  readonly history: Float32Array[] = [];
  #params: Float32Array;

  constructor(readonly name: string, start: Float32Array, readonly options: FakeOptions = {}) {
    this.#params = start.slice();
    this.history.push(start.slice());
  }

  get calls(): number {
    return this.lrs.length;
  }

  step(batch: TrainBatch, lr: number): number | Promise<number> {
    // The loop reuses its buffers: keep copies.
    this.batches.push({ xt: batch.xt.slice(), t: batch.t.slice(), target: batch.target.slice() });
    this.lrs.push(lr);
    const step = this.calls;
    const { loss = () => 1, drift = 0, during, busyMs = 0 } = this.options;
    if (drift !== 0) { for (let i = 0; i < this.#params.length; i++) this.#params[i] += drift; }
    this.history.push(this.#params.slice());
    const until = performance.now() + busyMs;
    while (performance.now() < until) { /* busy: a synchronous engine */ }
    during?.(step);
    return this.options.async ? Promise.resolve(loss(step)) : loss(step);
  }

  params(): Float32Array {
    return this.#params.slice();
  }

  setParams(params: Float32Array): void {
    this.#params = params.slice();
  }

  dispose(): void {}
}

export async function divergence(promise: Promise<unknown>): Promise<TrainingDivergedError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TrainingDivergedError);
  expect((error as Error).message).not.toContain("\n");
  return error as TrainingDivergedError;
}
