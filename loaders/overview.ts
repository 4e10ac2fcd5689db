/**
 * The overview page's data: the default noise schedule and the default spiral, rounded so the JSON
 * the page downloads stays small (a few tens of kB) without visibly changing either plot.
 */

import { makeDataset } from "../src/lib/datasets.js";
import { DEFAULT_SCHEDULE, makeSchedule, type ScheduleConfig } from "../src/lib/schedule.js";

/** Significant digits kept for β_t and ᾱ_t: four are far below a pixel on any plot. */
const SCHEDULE_DIGITS = 4;
/** Decimal places kept for spiral coordinates, whose spread is of order 1. */
const POINT_DECIMALS = 4;

export interface Overview {
  schedule: ScheduleConfig & {
    /** The paper's timesteps 1 … T. */
    t: number[];
    beta: number[];
    alphaBar: number[];
  };
  spiral: { name: "spiral"; n: number; seed: number; points: [number, number][] };
}

export interface OverviewOptions {
  schedule?: ScheduleConfig;
  n?: number;
  seed?: number;
}

const significant = (x: number) => Number(x.toPrecision(SCHEDULE_DIGITS));
const fixed = (x: number) => Number(x.toFixed(POINT_DECIMALS));

/** Computes the overview; with no options, the defaults the page shows (linear T = 1000, spiral n = 2048, seed 0). */
export function overview(options: OverviewOptions = {}): Overview {
  const { schedule: config = DEFAULT_SCHEDULE, n = 2048, seed = 0 } = options;
  const schedule = makeSchedule(config);
  const data = makeDataset("spiral", { n, seed });
  const points: [number, number][] = [];
  for (let i = 0; i < data.length; i += 2) points.push([fixed(data[i]), fixed(data[i + 1])]);
  return {
    schedule: {
      kind: config.kind,
      T: config.T,
      betaStart: config.betaStart,
      betaEnd: config.betaEnd,
      // Index i holds the paper's t = i + 1.
      t: Array.from(schedule.betas, (_, i) => i + 1),
      beta: Array.from(schedule.betas, significant),
      alphaBar: Array.from(schedule.alphaBars, significant),
    },
    spiral: { name: "spiral", n: points.length, seed, points },
  };
}
