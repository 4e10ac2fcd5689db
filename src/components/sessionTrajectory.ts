/**
 * The Trajectories page's run of the model trained on the Train page, computed in the browser (in
 * sessionTrajectoryWorker.ts, off the page's main thread): a few hundred points sampled with the
 * trajectory kept, laid out as the page's precomputed runs are (data/views/trajectories.ts): one frame
 * per step, the last frame the samples themselves, and each point's colour where it ends. A DDPM model takes DDIM (η = 0), a flow
 * model Euler: both deterministic, so the paths show the drift alone.
 */
import { concatArrays } from "../core/concatArrays.js";
import { curvePositions, nearestIndices } from "../core/curvePosition.js";
import type { Denoiser } from "../core/denoiser.js";
import { asFlowNetwork } from "../core/flow/network.js";
import { sample } from "../core/sample.js";
import type { FlowSamplerName, SamplerName } from "../core/samplers/index.js";
import { makeSchedule, type Schedule } from "../core/schedule.js";
import type { Objective } from "../core/settings.js";
import { modelDims, objectiveOf, type TrainConfig } from "../core/training/config.js";
import { createWasmDenoiser } from "../engines/fused/wasmDenoiser.js";
import { createReferenceDenoiser } from "../engines/reference/referenceDenoiser.js";
import { meanNearestDistance } from "./distanceToData.js";
import { sessionRunSteps } from "./sessionRunSteps.js";

export interface SessionRun {
  objective: Objective;
  sampler: SamplerName | FlowSamplerName;
  steps: number;
  /** Per frame: the step k whose input it is (k = steps: the samples) and its time (0 for the samples). */
  frames: { k: number; t: number }[];
  /** Frames × 2n: the points x_t, and the prediction x̂_0, at each frame. */
  xt: Float64Array;
  x0: Float64Array;
  /** Per point, where it ends (0 … 1): along the curve of the data, or by angle around its centre. */
  end: Float64Array;
  /** How `end` was measured. */
  endBy: "curve" | "angle";
  /**
   * Per frame, the mean distance of x_t and of x̂_0 to the nearest training point: a hundred frames
   * against a few thousand points would be a long task on the page's main thread.
   */
  distances: { xt: number[]; x0: number[] };
}

export interface SessionRunOptions {
  denoiser: Denoiser;
  /** A DDPM model's schedule; a flow model has none. */
  schedule?: Schedule;
  /** The training set, which the end positions are measured on. */
  data: Float64Array;
  n: number;
  seed: number;
  /** sessionRunSteps unless given. */
  steps?: number;
}

/** The deterministic sampler of each objective the page's run takes. */
export function sessionRunSampler(objective: Objective): SamplerName | FlowSamplerName {
  return objective === "flow-matching" ? "euler" : "ddim";
}

/**
 * Where each point ends, in [0, 1]: along the curve the data traces, through its nearest training point,
 * where the data is one curve (the spiral, a drawn stroke); else its angle around the data's centre,
 * which still tells apart points that end in different places.
 */
export function endValues(samples: Float64Array, data: Float64Array): { end: Float64Array; endBy: "curve" | "angle" } {
  try {
    const positions = curvePositions(data);
    return { end: Float64Array.from(nearestIndices(samples, data), (i) => positions[i]), endBy: "curve" };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  let cx = 0;
  let cy = 0;
  const m = data.length / 2;
  for (let i = 0; i < m; i++) {
    cx += data[2 * i] / m;
    cy += data[2 * i + 1] / m;
  }
  const end = new Float64Array(samples.length / 2);
  for (let i = 0; i < end.length; i++) end[i] = (Math.atan2(samples[2 * i + 1] - cy, samples[2 * i] - cx) + Math.PI) / (2 * Math.PI);
  return { end, endBy: "angle" };
}

/** Samples the run, every step kept; a DDPM frame's time is the paper's t, a flow frame's t ∈ (0, 1]. */
export async function sessionRun(options: SessionRunOptions): Promise<SessionRun> {
  const { denoiser, schedule, data, n, seed } = options;
  const objective = denoiser.objective ?? "ddpm";
  const steps = options.steps ?? sessionRunSteps(objective, schedule?.T ?? Infinity);
  const sampler = sessionRunSampler(objective);
  const result = await sample({
    denoiser,
    schedule,
    sampler,
    steps,
    n,
    seed,
    ...(objective === "ddpm" ? { eta: 0 } : {}),
    trajectory: true,
  });
  const { xt, x0 } = result.trajectory!;
  const time = (t: number) => (objective === "ddpm" ? t + 1 : t);
  const frames = { xt: [...xt, result.samples], x0: [...x0, result.samples] };
  return {
    objective,
    sampler,
    steps,
    frames: [...result.timesteps.map((t, k) => ({ k, t: time(t) })), { k: steps, t: 0 }],
    // The last frame is the samples themselves, their own x̂_0.
    xt: concatArrays(frames.xt),
    x0: concatArrays(frames.x0),
    ...endValues(result.samples, data),
    distances: {
      xt: frames.xt.map((points) => meanNearestDistance(points, data)),
      x0: frames.x0.map((points) => meanNearestDistance(points, data)),
    },
  };
}

/** What the worker is sent: the session model's weights and config, its training set, and the run's size. */
export interface SessionRunRequest {
  params: Float32Array;
  config: TrainConfig;
  /** The model's training set, interleaved 2D points. */
  data: Float64Array;
  n: number;
  seed: number;
}

/**
 * Opens the request's model (the fused WebAssembly kernel, or plain TypeScript without SIMD, as on the
 * Denoising page) and samples its run.
 */
export async function sessionModelRun(request: SessionRunRequest): Promise<SessionRun> {
  const { params, config, data, n, seed } = request;
  const options = { parameterization: config.model.parameterization, dims: modelDims(config.model) };
  const objective = objectiveOf(config.model);
  const engine = await createWasmDenoiser(params, { ...options, threads: 1 }).catch(() => createReferenceDenoiser(params, options));
  try {
    return await sessionRun({
      denoiser: objective === "flow-matching" ? asFlowNetwork(engine) : engine,
      schedule: objective === "ddpm" ? makeSchedule(config.schedule) : undefined,
      data,
      n,
      seed,
    });
  } finally {
    if ("dispose" in engine) engine.dispose();
  }
}
