/**
 * Data for the denoising page: the default run's last checkpoint, and its loss per timestep.
 *
 * The weights go to the browser as raw little-endian float32 (the checkpoint file's own layout), where
 * the plain TypeScript engine runs them. The loss curve is computed here on the exact points and noise
 * the page draws, the training set x_0 with ε from Rng(NOISE_SEED), so the page's live error at any t
 * on the curve's grid lands on the curve. The exact oracle over the same training set is computed
 * alongside: it is the lowest loss any denoiser can reach on these points.
 */
import { basename } from "node:path";
import { createReferenceDenoiser } from "../../engines/reference/referenceDenoiser.js";
import { makeDataset } from "../../core/datasets.js";
import { noiseError } from "../../core/denoisingTask.js";
import { qSample } from "../../core/forward.js";
import { oracleDenoiser } from "../../core/oracle.js";
import { toPrediction } from "../../core/parameterization.js";
import { Rng } from "../../core/random.js";
import { makeSchedule } from "../../core/schedule.js";
import { encodeParams } from "../../core/training/checkpoint.js";
import { sha256Hex } from "../../core/hash.js";
import { modelDims } from "../../core/training/config.js";
import type { TimestepLoss } from "../../core/training/train.js";
import { defaultRun } from "../../io/defaultRun.js";
import { loadCheckpoint } from "../../io/runStore.js";

/** Seed of the ε that the page adds to the training set (one draw, reused at every t). */
export const NOISE_SEED = 1;

/** Paper times t of the loss curve: the first few steps, where the loss changes fastest, then every 10th. */
export function curveTimes(T: number): number[] {
  const times = new Set([1, 2, 5]);
  for (let t = 10; t <= T; t += 10) times.add(t);
  times.add(T);
  return [...times].filter((t) => t <= T).sort((a, b) => a - b);
}

export interface LossCurve {
  /** Paper times t (1 … T). */
  t: number[];
  /** Per-coordinate mean (ε̂ − ε)² of the trained network at each t. */
  model: number[];
  /** The same for the exact oracle over the training set. */
  oracle: number[];
  /** The same for ε̂ = 0: the mean square of ε, equal at every t. */
  zeros: number;
}

export interface DenoisingSummary {
  run: { id: string; step: number; steps: number; engine: string; status: string; loss: number };
  dataset: { name: string; n: number; seed: number; noise?: number };
  schedule: { kind: string; T: number; betaStart: number; betaEnd: number };
  parameterization: "eps" | "x0" | "v";
  dims: number[];
  weights: { bytes: number; sha256: string };
  noiseSeed: number;
  /** The manifest's held-out loss of the last checkpoint, per bucket of schedule indices [from, to). */
  lossByTimestep: TimestepLoss[];
  curve: LossCurve;
}

async function lastCheckpoint() {
  const { dir, config } = await defaultRun();
  const { manifest, step, params } = await loadCheckpoint(dir);
  return { dir, config, manifest, step, params };
}

/** The default run's last weights, as the bytes of its checkpoint file. */
export async function denoisingWeights(): Promise<Uint8Array> {
  return encodeParams((await lastCheckpoint()).params);
}

/** Everything the page needs besides the weights. */
export async function denoisingSummary(): Promise<DenoisingSummary> {
  const { dir, config, manifest, step, params } = await lastCheckpoint();
  const entry = manifest.checkpoints.find((c) => c.step === step)!;
  const schedule = makeSchedule(config.schedule);
  const { name, n, seed, noise } = config.dataset;
  const x0 = makeDataset(name, { n, seed, noise });
  const eps = new Rng(NOISE_SEED).normals(x0.length);
  const model = createReferenceDenoiser(params, { parameterization: config.model.parameterization, dims: modelDims(config.model) });
  const oracle = oracleDenoiser(schedule, x0);
  const t = curveTimes(schedule.T);
  const modelLoss: number[] = [];
  const oracleLoss: number[] = [];
  for (const paperT of t) {
    const index = paperT - 1;
    const alphaBar = schedule.alphaBars[index];
    const { xt } = qSample(schedule, x0, index, eps);
    const fromModel = toPrediction(config.model.parameterization, await model.predict(xt, index), xt, alphaBar);
    const fromOracle = toPrediction(oracle.parameterization, await oracle.predict(xt, index), xt, alphaBar);
    modelLoss.push(noiseError(fromModel.eps, eps).perCoordinate);
    oracleLoss.push(noiseError(fromOracle.eps, eps).perCoordinate);
  }
  const bytes = encodeParams(params);
  return {
    run: { id: basename(dir), step, steps: config.training.steps, engine: manifest.engine, status: manifest.status, loss: entry.loss },
    dataset: config.dataset,
    schedule: config.schedule,
    parameterization: config.model.parameterization,
    dims: modelDims(config.model),
    weights: { bytes: bytes.length, sha256: await sha256Hex(bytes) },
    noiseSeed: NOISE_SEED,
    lossByTimestep: entry.lossByTimestep,
    curve: { t, model: modelLoss, oracle: oracleLoss, zeros: noiseError(new Float64Array(eps.length), eps).perCoordinate },
  };
}
