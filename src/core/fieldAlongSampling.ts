/**
 * The learned field (learnedField.ts) and a sampling run side by side: one run of `steps` steps, and at
 * every step's time the points the sampler holds and the field on a grid, so a reader sees the arrows
 * and the points together.
 *
 * The samplers are deterministic, so each point's step is set by the field at it and nothing else
 * (samplerStep.ts; for DDPM that step is not along the score): a DDPM model runs
 * DDIM (η = 0) on the grid even in log-SNR, which gives the last, sharpest times as many frames as the
 * first (on the even grid the last frame would sit at t = T/steps, when the data is still blurred);
 * a flow model runs Euler on its uniform grid t = 1, 1 − 1/N, ….
 */

import { fieldTime, type FieldModel, type FieldTime, learnedField } from "./learnedField.js";
import { sample, type SampleOptions } from "./sample.js";

/**
 * What the Fields page shows, for a built-in model (precomputed) and one trained in the tab alike:
 *   extent  the square ±3: a point of x_T ~ N(0, I) falls outside it with probability 1 − (1 − 0.0027)² ≈ 1 in 185
 *   count   arrows per side: odd, so one sits at the origin; cells of 6/17 ≈ 0.35
 *   steps   frames, one per sampling step
 *   n       points drawn over the arrows: enough to see the shape, few enough to see the arrows through
 */
export const FIELD_VIEW = { extent: 3, count: 17, steps: 24, n: 160, seed: 0 } as const;

/** The sampler each objective's frames come from. */
export function fieldSampler(model: FieldModel): Pick<SampleOptions, "sampler" | "eta" | "spacing"> {
  return model.denoiser.objective === "flow-matching" ? { sampler: "euler" } : { sampler: "ddim", eta: 0, spacing: "logsnr" };
}

export interface FieldFrame extends FieldTime {
  /** The points the sampler holds at this time (before the step taken from it), interleaved. */
  samples: Float64Array;
  /** The learned field at each grid point, interleaved. */
  field: Float64Array;
}

export interface FieldAlongSamplingOptions {
  /** Sampling steps, one frame each. */
  steps: number;
  /** Number of sampled points. */
  n: number;
  seed: number;
  /** Where the field is evaluated: interleaved points (arrowGrid's). */
  grid: Float64Array;
}

export interface FieldAlongSampling {
  frames: FieldFrame[];
  sampler: SampleOptions["sampler"];
}

export async function fieldAlongSampling(model: FieldModel, options: FieldAlongSamplingOptions): Promise<FieldAlongSampling> {
  const { steps, n, seed, grid } = options;
  if (grid.length % 2 !== 0) throw new RangeError(`grid must have an even length, got ${grid.length}`);
  const run = await sample({ ...fieldSampler(model), denoiser: model.denoiser, schedule: model.schedule, steps, n, seed, trajectory: true });
  const frames: FieldFrame[] = [];
  for (let k = 0; k < run.timesteps.length; k++) {
    const time = run.timesteps[k];
    frames.push({ ...fieldTime(model, time), samples: run.trajectory!.xt[k], field: await learnedField(model, grid, time) });
  }
  return { frames, sampler: run.sampler };
}
