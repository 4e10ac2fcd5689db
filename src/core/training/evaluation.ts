/**
 * How checkpoints are scored: a fixed, seeded evaluation set per config, and a network pass's loss on it
 * per band of timesteps, the same pass whatever engine trains, so a checkpoint's loss does not depend
 * on the engine. The pass is the float64 reference unless a shell brings a faster one (the CLI brings
 * the fused kernel's float32 pass: 20,480 rows in about 0.1 s where the reference takes 1.4 s).
 */
import { makeDataset } from "../datasets.js";
import { flowTrainingPair } from "../flow/path.js";
import type { ReflowPairs } from "../flow/reflow.js";
import { FLOW_TIME_INDICES } from "../flow/time.js";
import { qSample } from "../forward.js";
import { mlpForward } from "../mlp.js";
import { Rng } from "../random.js";
import { makeSchedule } from "../schedule.js";
import { checkSetting, SETTINGS } from "../settings.js";
import { targetCoefficients } from "./batches.js";
import { isFileDataset, modelDims, type TrainConfig } from "./config.js";
import { resamplePoints, trainingPoints } from "./data.js";

/** Points of the evaluation set; each one is scored once in every timestep bucket. */
export const EVAL_POINTS = 2048;
/** Equal-width buckets of schedule indices in lossByTimestep (fewer when T < 10). */
export const EVAL_BUCKETS = 10;
/** Offsets the evaluation draws from any training seed (config seeds stay below 2³²). */
export const EVAL_SEED = 2 ** 32 + 0xe7a1;

/** Mean loss over the schedule indices [from, to) (flow matching: the time indices k, t = k / 1000). */
export interface TimestepLoss {
  from: number;
  to: number;
  loss: number;
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
  /** The loss of a network that outputs zero, the mean squared target (1 for ε): about where an untrained one starts. */
  zeroOutputLoss: number;
}

/**
 * A held-out draw of the config's dataset (its own seed; for a file, its own points: heldOutPoints),
 * scored in each of min(10, T) equal-width buckets of schedule indices at a t uniform within the bucket,
 * with fresh ε. It depends on the dataset, schedule and parameterization only: never on the training
 * stream or the engine. A reflow run is scored on its teacher's pairs instead, resampled with an
 * evaluation seed: not held out (the student trains on every pair), as a file's points are not.
 */
export function makeEvalSet(config: TrainConfig, points = EVAL_POINTS, filePoints?: Float64Array, reflowPairs?: ReflowPairs): EvalSet {
  checkSetting("evalPoints", SETTINGS.datasetN, points);
  // Reflow is scored on its own task: pairs of its teacher (drawn with the evaluation seed), not data and fresh noise.
  const pairs = reflowPairs && samplePairs(reflowPairs, points);
  const x0 = pairs ? pairs.samples : heldOutPoints(config.dataset, points, filePoints);
  const schedule = makeSchedule(config.schedule);
  // Flow matching's buckets split its time indices 0 … 1000 (t = k / 1000) as DDPM's split the schedule's.
  const flow = config.model.objective === "flow-matching";
  const T = flow ? FLOW_TIME_INDICES : schedule.T;
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
  let xt: Float64Array;
  let target: Float64Array;
  if (flow) {
    const eps = pairs ? new Float64Array(2 * rows) : rng.normals(2 * rows);
    if (pairs) buckets.forEach((_, b) => eps.set(pairs.noise, 2 * b * points));
    ({ xt, target } = flowTrainingPair(x0Rows, eps, t));
  }
  else {
    const noised = qSample(schedule, x0Rows, t, rng);
    xt = noised.xt;
    const { coefX0, coefEps } = targetCoefficients(schedule, config.model.parameterization);
    target = new Float64Array(2 * rows);
    for (let i = 0; i < 2 * rows; i++) target[i] = coefX0[t[i >> 1]] * x0Rows[i] + coefEps[t[i >> 1]] * noised.eps[i];
  }
  let squares = 0;
  for (let i = 0; i < 2 * rows; i++) squares += target[i] ** 2;
  return { buckets, points, xt, t, target, dims: modelDims(config.model), zeroOutputLoss: squares / (2 * rows) };
}

/**
 * `points` of the pairs, drawn with their own evaluation seed (with replacement, as a file's points are):
 * the same seed draws the same indices from both sides, so each noise keeps its sample.
 */
function samplePairs(pairs: ReflowPairs, points: number): ReflowPairs {
  return { noise: resamplePoints(pairs.noise, points, EVAL_SEED + 1), samples: resamplePoints(pairs.samples, points, EVAL_SEED + 1) };
}

/**
 * The evaluation set's data points: a held-out draw of a built-in set (its own seed), or, for a points
 * file, which has no fresh draws, `points` resampled from the file's own points with the evaluation seed.
 */
function heldOutPoints(dataset: TrainConfig["dataset"], points: number, filePoints?: Float64Array): Float64Array {
  if (isFileDataset(dataset)) return resamplePoints(trainingPoints(dataset, filePoints), points, EVAL_SEED);
  if (filePoints !== undefined) throw new RangeError(`points were given for the built-in dataset ${dataset.name}, which draws its own`);
  const { name, seed, noise } = dataset;
  return makeDataset(name, { n: points, seed: seed + EVAL_SEED, noise });
}

/** The network's raw outputs for interleaved rows `xt`, row i at schedule index t[i]. */
export type NetworkPass = (
  params: Float32Array,
  xt: Float64Array,
  t: Int32Array,
  dims: readonly number[],
) => Float64Array | Promise<Float64Array>;

/** Mean squared error per bucket of the network on the evaluation set (by default the float64 reference pass). */
export async function evaluateLossByTimestep(
  params: Float32Array,
  evalSet: EvalSet,
  pass: NetworkPass = mlpForward,
): Promise<TimestepLoss[]> {
  const { buckets, points, xt, t, target, dims } = evalSet;
  const output = await pass(params, xt, t, dims);
  return buckets.map(({ from, to }, b) => {
    let sum = 0;
    for (let i = 2 * b * points; i < 2 * (b + 1) * points; i++) sum += (output[i] - target[i]) ** 2;
    return { from, to, loss: sum / (2 * points) };
  });
}
