/**
 * The denoisers the sampling page can run, opened only when first needed, and kept for the rest of the visit:
 *   default  the default run's final model: its weights read from the ONNX file, run on the fused
 *            WebAssembly SIMD kernel (onnxruntime-web where there is no WebAssembly SIMD)
 *   session  the model trained on the /train page in this tab, on the same engine
 *   oracle   the exact posterior mean of the training set (src/core/oracle.ts): what a perfectly trained
 *            network would predict; it reproduces training points
 * Each comes with its schedule and training set, which the samples are compared with.
 */

import { type DatasetName, makeDataset } from "../core/datasets.js";
import type { Denoiser } from "../core/denoiser.js";
import { oracleDenoiser } from "../core/oracle.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "../core/schedule.js";
import type { Parameterization } from "../core/parameterization.js";
import { createWasmDenoiser } from "../engines/fused/wasmDenoiser.js";
import type { OrtDenoiserOptions } from "../engines/onnx/ortDenoiser.js";
import type { SessionModel } from "./sessionModel.js";

export const MODEL_CHOICES = ["default", "session", "oracle"] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

export interface DatasetConfig {
  name: DatasetName;
  n?: number;
  seed?: number;
  noise?: number;
}

export interface OpenModel {
  choice: ModelChoice;
  denoiser: Denoiser;
  schedule: Schedule;
  dataset: DatasetConfig;
  /** The training set. */
  data: Float64Array;
  /** What runs it, for the page to say (e.g. "onnxruntime-web, wasm, 1 thread"). */
  engine: string;
}

export interface ModelSources {
  /** The default model's ONNX bytes (fetched on first use) and what it was trained on. */
  defaultModel: { bytes: () => Promise<ArrayBuffer>; schedule: ScheduleConfig; dataset: DatasetConfig };
  /** The model trained in this tab, if any. */
  session: SessionModel | null;
  /** Where onnxruntime-web's .wasm is served from. */
  wasmPaths: OrtDenoiserOptions["wasmPaths"];
}

function trainingSet(dataset: DatasetConfig): Float64Array {
  const { name, ...options } = dataset;
  return makeDataset(name, options);
}

async function ortModel(bytes: Uint8Array, wasmPaths: ModelSources["wasmPaths"]) {
  const { createOrtDenoiser } = await import("../engines/onnx/ortDenoiser.js");
  const denoiser = await createOrtDenoiser(bytes, { wasmPaths });
  const engine = `onnxruntime-web ${denoiser.executionProviders.join("/")}, ${denoiser.numThreads} thread${denoiser.numThreads > 1 ? "s" : ""}`;
  return { denoiser, engine };
}

/**
 * The network on the fused WebAssembly SIMD kernel, the fastest engine (one thread: a page's main thread
 * may not block on a second one); onnxruntime-web where this browser has no WebAssembly SIMD.
 */
async function networkModel(
  weights: { params: Float32Array; dims: number[]; parameterization: Parameterization },
  onnx: () => Uint8Array,
  wasmPaths: ModelSources["wasmPaths"],
) {
  try {
    const denoiser = await createWasmDenoiser(weights.params, { parameterization: weights.parameterization, dims: weights.dims, threads: 1 });
    return { denoiser, engine: `fused WebAssembly SIMD kernel${denoiser.name.includes("fma") ? " (FMA)" : ""}, 1 thread` };
  } catch (error) {
    // Only a browser without WebAssembly SIMD falls back; any other failure is a bug to see, not to hide.
    if (!(error instanceof WebAssembly.CompileError)) throw error;
    return ortModel(onnx(), wasmPaths);
  }
}

async function open(choice: ModelChoice, sources: ModelSources): Promise<OpenModel> {
  if (choice === "default") {
    const { schedule, dataset } = sources.defaultModel;
    const bytes = new Uint8Array(await sources.defaultModel.bytes());
    // protobufjs (the ONNX reader) loads only here, to read the weights back out of the model file.
    const [{ readOnnxParams }, { readOnnxMetadata }] = await Promise.all([import("../core/onnx/weights.js"), import("../core/onnx/export.js")]);
    const weights = { ...readOnnxParams(bytes), parameterization: readOnnxMetadata(bytes).parameterization };
    const model = await networkModel(weights, () => bytes, sources.wasmPaths);
    return { choice, ...model, schedule: makeSchedule(schedule), dataset, data: trainingSet(dataset) };
  }
  if (choice === "session") {
    const session = sources.session;
    if (session === null) throw new RangeError("no model was trained in this tab: train one on the Train page first");
    // protobufjs (the exporter, for the fallback engine only) and zod (the config) load only for this choice.
    const [{ exportOnnx }, { modelDims }] = await Promise.all([
      import("../core/onnx/export.js"),
      import("../core/training/config.js"),
    ]);
    const { config } = session;
    const weights = { params: session.params, dims: modelDims(config.model), parameterization: config.model.parameterization };
    const onnx = () => exportOnnx({ ...weights, schedule: config.schedule });
    const model = await networkModel(weights, onnx, sources.wasmPaths);
    return { choice, ...model, schedule: makeSchedule(config.schedule), dataset: config.dataset, data: trainingSet(config.dataset) };
  }
  if (choice === "oracle") {
    const { schedule: config, dataset } = sources.defaultModel;
    const schedule = makeSchedule(config);
    const data = trainingSet(dataset);
    return { choice, denoiser: oracleDenoiser(schedule, data), schedule, dataset, data, engine: "exact oracle, plain JavaScript" };
  }
  throw new RangeError(`model must be one of ${MODEL_CHOICES.join(", ")}, got ${choice}`);
}

/** Opens each model once: later calls for the same choice return the same promise (a failed open is retried). */
export function modelCache(sources: ModelSources): (choice: ModelChoice) => Promise<OpenModel> {
  const opened = new Map<ModelChoice, Promise<OpenModel>>();
  return (choice) => {
    let promise = opened.get(choice);
    if (!promise) {
      promise = open(choice, sources);
      promise.catch(() => opened.delete(choice));
      opened.set(choice, promise);
    }
    return promise;
  };
}
