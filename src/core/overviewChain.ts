/**
 * The overview's forward chain: a dataset of 2048 points run through the DDPM schedule one step at a
 * time with one noise stream, so that every rung of the staircase and every t of the step slider shows
 * the same noisy points. Shared by the page, its worker and src/data/overview-rungs.bin.ts, which
 * computes the rungs of the page's first view at build time: the whole chain takes the browser about
 * half a second.
 */

import { type DatasetName, makeDataset } from "./datasets.js";
import { forwardChain } from "./forward.js";
import { Rng } from "./random.js";
import type { RungSpacing } from "./rungs.js";
import { DEFAULT_SCHEDULE, makeSchedule, type Schedule } from "./schedule.js";
import { SETTINGS } from "./settings.js";

export const OVERVIEW_POINTS = 2048;
export const DATA_SEED = 0;
export const NOISE_SEED = 1;
export const RUNG_COUNT = 10;

/**
 * The overview as it opens with no URL parameters (the defaults of its URL fields): the view whose rungs
 * are computed at build time, so that the page draws them at once.
 */
export const OVERVIEW_FIRST_VIEW: { dataset: DatasetName; spacing: RungSpacing } = {
  dataset: SETTINGS.datasetName.default,
  spacing: "sigma",
};

/** The DDPM defaults: linear β from 10⁻⁴ to 0.02 over T = 1000 steps. */
export const overviewSchedule = (): Schedule => makeSchedule(DEFAULT_SCHEDULE);

export function overviewData(dataset: DatasetName): Float64Array {
  return makeDataset(dataset, { n: OVERVIEW_POINTS, seed: DATA_SEED });
}

/** The chain's x_t at paper times `times` (0 = the data itself), by t. */
export function overviewChain(schedule: Schedule, x0: Float64Array, times: number[]): Map<number, Float64Array> {
  const chain = forwardChain(schedule, x0, new Rng(NOISE_SEED), { record: times.map((t) => t - 1) });
  return new Map([...chain].map(([index, points]) => [index + 1, points]));
}

/** Every x_t of the chain, t = 0 … T, packed one after another: the worker's answer. */
export interface PackedChain {
  T: number;
  /** (T + 1) × 2 × points values. */
  values: Float64Array;
}

export function packChain(chain: Map<number, Float64Array>, T: number): PackedChain {
  const size = chain.get(0)!.length;
  const values = new Float64Array((T + 1) * size);
  for (let t = 0; t <= T; t++) values.set(chain.get(t)!, t * size);
  return { T, values };
}

export function unpackChain({ T, values }: PackedChain): Map<number, Float64Array> {
  const size = values.length / (T + 1);
  return new Map(Array.from({ length: T + 1 }, (_, t) => [t, values.subarray(t * size, (t + 1) * size)]));
}

