/**
 * The models the sampling page can run:
 *   default  the default run's final model: its weights read from the ONNX file, run on the fused
 *            WebAssembly SIMD kernel (onnxruntime-web where there is no WebAssembly SIMD)
 *   session  the model trained on the /train page in this tab, DDPM or flow matching, on the same engine
 *   oracle   the exact posterior mean of the default training set (src/core/oracle.ts): what a perfectly
 *            trained network would predict; it reproduces training points
 *
 * The page describes a model as a `ModelSpec` (plain data, so it can be posted to the sampling worker);
 * `openModel` turns a spec into a denoiser with its training set, wherever it runs. Each comes with its
 * schedule (DDPM) and training set, which the samples are compared with.
 */

import { type DatasetName, makeDataset } from "../core/datasets.js";
import type { Denoiser } from "../core/denoiser.js";
import { asFlowNetwork } from "../core/flow/network.js";
import { oracleDenoiser } from "../core/oracle.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "../core/schedule.js";
import type { Parameterization } from "../core/parameterization.js";
import type { Objective } from "../core/settings.js";
import type { TrainConfig } from "../core/training/config.js";
import { canUseTwoThreads, createWasmDenoiser } from "../engines/fused/wasmDenoiser.js";
import type { OrtDenoiserOptions } from "../engines/onnx/ortDenoiser.js";
import { type SessionModel, sessionTrainingSet } from "./sessionModel.js";

export const MODEL_CHOICES = ["default", "session", "oracle"] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

/** A flow model is sampled with 1 to this many steps on the page (a DDPM model with 1 to its T). */
export const FLOW_MAX_STEPS = 1000;

export interface DatasetConfig {
  name: DatasetName;
  n?: number;
  seed?: number;
  noise?: number;
}

/** What a model was trained on: a built-in set by its settings, or the points of a file (drawn or uploaded). */
export type TrainingData = { dataset: DatasetConfig } | { points: Float64Array };

/** A model as plain data (structured-cloneable): what `openModel` needs to run it. */
export type ModelSpec =
  | { choice: "default"; onnx: ArrayBuffer; schedule: ScheduleConfig; dataset: DatasetConfig }
  | { choice: "session"; params: Float32Array; config: TrainConfig; data: TrainingData }
  | { choice: "oracle"; schedule: ScheduleConfig; dataset: DatasetConfig };

export interface OpenModel {
  choice: ModelChoice;
  denoiser: Denoiser;
  objective: Objective;
  /** A DDPM model's schedule; a flow model has none. */
  schedule?: Schedule;
  /** The most steps a panel takes with this model: T for DDPM, FLOW_MAX_STEPS for flow matching. */
  maxSteps: number;
  /** What it was trained on, and the training set itself. */
  trainedOn: TrainingData;
  data: Float64Array;
  /** What runs it, for the page to say (e.g. "fused WebAssembly SIMD kernel, 1 thread"). */
  engine: string;
}

/** Where a page serves the engines' files, which its bundler cannot find from the engines themselves. */
export interface EngineFiles {
  /** onnxruntime-web's .wasm (the fallback engine). */
  wasmPaths: OrtDenoiserOptions["wasmPaths"];
  /** The fused kernel's second thread (engines/fused/inferenceWorker.ts), as a module worker's URL. */
  inferenceWorker?: string;
}

/** The objective of a session model: its config names flow matching, or it is DDPM. */
export function sessionObjective(session: SessionModel): Objective {
  return session.config.model.objective ?? "ddpm";
}

/** The objective of a page's model choice (only the session model can be a flow model). */
export function modelObjective(choice: ModelChoice, session: SessionModel | null): Objective {
  return choice === "session" && session ? sessionObjective(session) : "ddpm";
}

/** What the session model was trained on, as a spec carries it: a points file's points, or the built-in set. */
export function sessionTrainingData(session: SessionModel): TrainingData {
  const { name, n, seed, noise } = session.config.dataset;
  return session.points ? { points: sessionTrainingSet(session) } : { dataset: { name, n, seed, noise } };
}

export function trainingSet(trainedOn: TrainingData): Float64Array {
  if ("points" in trainedOn) return trainedOn.points;
  const { name, ...options } = trainedOn.dataset;
  return makeDataset(name, options);
}

async function ortModel(bytes: Uint8Array, wasmPaths: OrtDenoiserOptions["wasmPaths"]) {
  const { createOrtDenoiser } = await import("../engines/onnx/ortDenoiser.js");
  const denoiser = await createOrtDenoiser(bytes, { wasmPaths });
  const engine = `onnxruntime-web ${denoiser.executionProviders.join("/")}, ${denoiser.numThreads} thread${denoiser.numThreads > 1 ? "s" : ""}`;
  return { denoiser, engine };
}

/**
 * The fused kernel's threads here: two where this thread may block on a second (a worker, in a
 * cross-origin-isolated page, with two cores), else one; and why, for the engine line.
 */
function threadChoice(): { threads: 1 | 2; why: string } {
  if (canUseTwoThreads()) return { threads: 2, why: "the page is cross-origin isolated" };
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return { threads: 1, why: isolated === false ? "the page is not cross-origin isolated" : "no second thread here" };
}

/**
 * The network on the fused WebAssembly SIMD kernel, the fastest engine, on two threads where it may
 * (falling back to one if the second thread cannot start); onnxruntime-web where this browser has no
 * WebAssembly SIMD.
 */
async function networkModel(
  weights: { params: Float32Array; dims: number[]; parameterization: Parameterization },
  onnx: () => Uint8Array,
  files: EngineFiles,
) {
  const { inferenceWorker } = files;
  const startWorker = inferenceWorker === undefined ? undefined : () => new Worker(inferenceWorker, { type: "module" });
  const kernel = (threads: 1 | 2) =>
    createWasmDenoiser(weights.params, { parameterization: weights.parameterization, dims: weights.dims, threads, startWorker });
  let { threads, why } = threadChoice();
  try {
    let denoiser;
    try {
      denoiser = await kernel(threads);
    } catch (error) {
      if (threads === 1 || error instanceof WebAssembly.CompileError) throw error;
      ({ threads, why } = { threads: 1, why: `the second thread did not start: ${(error as Error).message}` });
      denoiser = await kernel(1);
    }
    const fma = denoiser.name.includes("fma") ? " (FMA)" : "";
    return { denoiser, engine: `fused WebAssembly SIMD kernel${fma}, ${threads} thread${threads > 1 ? "s" : ""} (${why})` };
  } catch (error) {
    // Only a browser without WebAssembly SIMD falls back; any other failure is a bug to see, not to hide.
    if (!(error instanceof WebAssembly.CompileError)) throw error;
    return ortModel(onnx(), files.wasmPaths);
  }
}

/** A DDPM network as it is, a flow network wrapped so it takes τ = 1000·t (core/flow/network.ts). */
function withObjective(denoiser: Denoiser, objective: Objective): Denoiser {
  return objective === "flow-matching" ? asFlowNetwork(denoiser) : denoiser;
}

/** Opens the model a spec describes, its engines' files served from `files`. */
export async function openModel(spec: ModelSpec, files: EngineFiles): Promise<OpenModel> {
  if (spec.choice === "default") {
    const { schedule, dataset } = spec;
    const bytes = new Uint8Array(spec.onnx);
    // protobufjs (the ONNX reader) loads only here, to read the weights back out of the model file.
    const [{ readOnnxParams }, { readOnnxMetadata }] = await Promise.all([import("../core/onnx/weights.js"), import("../core/onnx/export.js")]);
    const weights = { ...readOnnxParams(bytes), parameterization: readOnnxMetadata(bytes).parameterization };
    const model = await networkModel(weights, () => bytes, files);
    const trainedOn = { dataset };
    const ddpm = makeSchedule(schedule);
    return { choice: "default", ...model, objective: "ddpm", schedule: ddpm, maxSteps: ddpm.T, trainedOn, data: trainingSet(trainedOn) };
  }
  if (spec.choice === "session") {
    // protobufjs (the exporter, for the fallback engine only) and zod (the config) load only for this choice.
    const [{ exportOnnx }, { modelDims, objectiveOf }] = await Promise.all([
      import("../core/onnx/export.js"),
      import("../core/training/config.js"),
    ]);
    const { config } = spec;
    const objective = objectiveOf(config.model);
    const weights = { params: spec.params, dims: modelDims(config.model), parameterization: config.model.parameterization };
    const onnx = () => exportOnnx({ ...weights, schedule: config.schedule, objective });
    const model = await networkModel(weights, onnx, files);
    const schedule = objective === "ddpm" ? makeSchedule(config.schedule) : undefined;
    return {
      choice: "session",
      engine: model.engine,
      denoiser: withObjective(model.denoiser, objective),
      objective,
      schedule,
      maxSteps: schedule?.T ?? FLOW_MAX_STEPS,
      trainedOn: spec.data,
      data: trainingSet(spec.data),
    };
  }
  if (spec.choice === "oracle") {
    const schedule = makeSchedule(spec.schedule);
    const trainedOn = { dataset: spec.dataset };
    const data = trainingSet(trainedOn);
    return {
      choice: "oracle",
      denoiser: oracleDenoiser(schedule, data),
      objective: "ddpm",
      schedule,
      maxSteps: schedule.T,
      trainedOn,
      data,
      engine: "exact oracle, plain JavaScript",
    };
  }
  throw new RangeError(`model must be one of ${MODEL_CHOICES.join(", ")}, got ${(spec as { choice: string }).choice}`);
}

export interface ModelSources {
  /** The default model's ONNX bytes (fetched on first use) and what it was trained on. */
  defaultModel: { bytes: () => Promise<ArrayBuffer>; schedule: ScheduleConfig; dataset: DatasetConfig };
  /** The model trained in this tab, if any. */
  session: SessionModel | null;
}

/** The spec of a page's model choice (the default model's file is fetched here, on first use). */
export async function modelSpec(choice: ModelChoice, sources: ModelSources): Promise<ModelSpec> {
  const { schedule, dataset } = sources.defaultModel;
  if (choice === "default") return { choice, onnx: await sources.defaultModel.bytes(), schedule, dataset };
  if (choice === "oracle") return { choice, schedule, dataset };
  if (choice === "session") {
    const session = sources.session;
    if (session === null) throw new RangeError("no model was trained in this tab: train one on the Train page first");
    return { choice, params: session.params, config: session.config, data: sessionTrainingData(session) };
  }
  throw new RangeError(`model must be one of ${MODEL_CHOICES.join(", ")}, got ${choice}`);
}
