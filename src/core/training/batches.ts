/**
 * The stream of training batches of Algorithm 1 (steps 1–4 of train.ts): data points, schedule indices
 * and noise from one Rng(training.seed), noised in float64 and rounded once to the engines' float32.
 * Flow matching draws the same way, with time indices k = 0 … 1000 (t = k / 1000, flow/time.ts) in
 * place of schedule indices, x_t on its linear path and the velocity target (flow/path.ts). Reflow
 * draws a pair (x_T, sample) of its teacher (flow/reflow.ts) in place of a data point and its noise.
 */
import { qSample } from "../forward.js";
import { flowTrainingPair } from "../flow/path.js";
import { checkReflowPairs, type ReflowPairs } from "../flow/reflow.js";
import { FLOW_TIME_INDICES } from "../flow/time.js";
import { type Parameterization, targetFor } from "../parameterization.js";
import { Rng } from "../random.js";
import { makeSchedule, type Schedule } from "../schedule.js";
import type { TrainConfig } from "./config.js";
import { trainingPoints } from "./data.js";
import type { TrainBatch } from "./engine.js";

/** target = coefX0[t] x_0 + coefEps[t] ε: the parameterization's target is linear in (x_0, ε). */
export function targetCoefficients(schedule: Schedule, parameterization: Parameterization) {
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
 * reused by the next call: engines must be done with them when step() resolves. `filePoints`: the
 * normalised points of the config's dataset.file (data.ts), which a built-in dataset does without.
 * `reflowPairs`: the teacher's pairs, required when the config's training.reflow is set.
 */
export function batchStream(config: TrainConfig, filePoints?: Float64Array, reflowPairs?: ReflowPairs): () => TrainBatch {
  const reflow = config.training.reflow;
  if ((reflow === undefined) !== (reflowPairs === undefined)) {
    throw new RangeError(reflow ? "training.reflow is set: its teacher's pairs must be given" : "reflow pairs were given for a config without training.reflow");
  }
  if (reflow && reflowPairs) checkReflowPairs(reflowPairs, reflow.pairs);
  // Reflow draws the data side of a pair from the teacher's samples, and its noise from the same pair.
  const data = reflowPairs ? reflowPairs.samples : trainingPoints(config.dataset, filePoints);
  const n = data.length / 2;
  const schedule = makeSchedule(config.schedule);
  const { coefX0, coefEps } = targetCoefficients(schedule, config.model.parameterization);
  const flow = config.model.objective === "flow-matching";
  const times = flow ? FLOW_TIME_INDICES : schedule.T;
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
      batch.t[i] = rng.int(times);
      if (reflowPairs) {
        eps[2 * i] = reflowPairs.noise[2 * j];
        eps[2 * i + 1] = reflowPairs.noise[2 * j + 1];
      } else {
        eps[2 * i] = rng.normal();
        eps[2 * i + 1] = rng.normal();
      }
    }
    // (4) in float64, then rounded once to the engines' float32.
    if (flow) {
      const { xt, target } = flowTrainingPair(x0, eps, batch.t);
      batch.xt.set(xt);
      batch.target.set(target);
      return batch;
    }
    batch.xt.set(qSample(schedule, x0, batch.t, eps).xt);
    for (let i = 0; i < 2 * B; i++) {
      const t = batch.t[i >> 1];
      batch.target[i] = coefX0[t] * x0[i] + coefEps[t] * eps[i];
    }
    return batch;
  };
}
