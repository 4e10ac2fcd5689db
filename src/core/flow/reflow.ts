/**
 * Reflow (Liu et al. 2022, "Flow Straight and Fast", §2.3): a flow-matching model's paths bend where the
 * straight conditional paths of independent (data, noise) pairs cross. Sampling the model couples each
 * x_T with the sample it leads to; a second model trained on those pairs, along the straight line from
 * one to the other, learns a field whose paths cross less, so few steps of Euler go further.
 *
 *   1. draw x_T ~ N(0, I) and integrate the teacher from t = 1 to 0: the pair (ε, x₀) = (x_T, sample);
 *   2. train on x_t = (1 − t) x₀ + t ε with target ε − x₀ as flow matching does, drawing pairs, not
 *      data and noise apart (training/batches.ts).
 */
import type { Denoiser } from "../denoiser.js";
import { sample } from "../sample.js";
import { Rng } from "../random.js";
import type { FlowSamplerName } from "../samplers/index.js";

/** Coupled endpoints, interleaved [x0, y0, x1, y1, …]: pair i is (noise i, sample i). */
export interface ReflowPairs {
  /** x_T, where the teacher's path starts (t = 1). */
  noise: Float64Array;
  /** Where the teacher's path from that x_T ends (t = 0). */
  samples: Float64Array;
}

export interface ReflowPairOptions {
  /** The teacher: a flow-matching network (objective "flow-matching"). */
  teacher: Denoiser;
  pairs: number;
  steps: number;
  sampler: FlowSamplerName;
  seed: number;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
}

/**
 * Offsets the pairs' stream from any sampling seed (seeds stay below 2³²): the student's own samples at
 * seed k then start from x_T it never trained on, so what they score is not an in-sample figure.
 */
export const REFLOW_SEED_OFFSET = 2 ** 32 + 0x5e7f;

/** Step 1: the teacher's pairs, from x_T drawn with Rng(REFLOW_SEED_OFFSET + seed). */
export async function drawReflowPairs(options: ReflowPairOptions): Promise<ReflowPairs> {
  const { teacher, pairs, steps, sampler, seed, signal, onStep } = options;
  if (teacher.objective !== "flow-matching") throw new RangeError("the reflow teacher must be a flow-matching model");
  const xT = new Rng(REFLOW_SEED_OFFSET + seed).normals(2 * pairs);
  const result = await sample({ denoiser: teacher, sampler, steps, n: pairs, seed, xT, signal, onStep });
  return { noise: result.xT, samples: result.samples };
}

/** Checks that pairs hold `count` 2D points on each side, all finite. */
export function checkReflowPairs(pairs: ReflowPairs, count: number): void {
  if (pairs.noise.length !== 2 * count || pairs.samples.length !== 2 * count) {
    throw new RangeError(`reflow pairs must hold ${count} points on each side, got ${pairs.noise.length / 2} and ${pairs.samples.length / 2}`);
  }
  if (!pairs.samples.every(Number.isFinite)) throw new RangeError("the reflow teacher's samples are not all finite: it cannot teach");
}
