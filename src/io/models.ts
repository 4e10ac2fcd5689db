/**
 * Opens a trained model for sampling, from a run directory, a checkpoint file in one, or an exported
 * .onnx file, behind one Denoiser with the schedule it was trained on.
 */
import { stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Denoiser } from "../core/denoiser.js";
import { asFlowNetwork } from "../core/flow/network.js";
import { exportOnnx, readOnnxMetadata } from "../core/onnx/export.js";
import { readOnnxParams } from "../core/onnx/weights.js";
import type { Parameterization } from "../core/parameterization.js";
import type { Objective } from "../core/settings.js";
import { makeSchedule, type Schedule } from "../core/schedule.js";
import type { RunManifest } from "../core/training/checkpoint.js";
import { modelDims, objectiveOf } from "../core/training/config.js";
import { readBoundedFile } from "./files.js";
import { loadCheckpoint } from "./runStore.js";

/**
 * The engines a trained model runs on. fused (the training kernel's WebAssembly SIMD, forward only, two
 * threads) is the fastest and the default; ort (onnxruntime-web) is the portable one that the exported
 * model is checked against; tfjs and reference (plain TypeScript, float64) are for comparison.
 */
export const INFERENCE_ENGINES = ["fused", "ort", "tfjs", "reference"] as const;
export type InferenceEngine = (typeof INFERENCE_ENGINES)[number];
export const DEFAULT_INFERENCE_ENGINE: InferenceEngine = "fused";

/** A checkpoint's weights with what is needed to run them. */
export interface CheckpointModel {
  kind: "checkpoint";
  runDir: string;
  step: number;
  params: Float32Array;
  dims: number[];
  parameterization: Parameterization;
  /** What the network was trained for (a run from before flow matching reads as ddpm). */
  objective: Objective;
  /** The DDPM schedule; a flow-matching model's config holds the default, which it does not use. */
  schedule: Schedule;
  manifest: RunManifest;
}

export interface OnnxModel {
  kind: "onnx";
  path: string;
  bytes: Uint8Array;
  schedule: Schedule;
  parameterization: Parameterization;
  /** From the metadata: ddpm where it names no objective. */
  objective: Objective;
}

const STEP_FILE = /^step-(\d+)\.f32$/;

/**
 * Reads a checkpoint from `path`: a run directory (its last checkpoint, or `step`), or one of its
 * step-NNNNNN.f32 files. Every weight file is verified against the manifest's hash.
 */
export async function readCheckpoint(path: string, step?: number): Promise<CheckpointModel> {
  const isDirectory = (await stat(path)).isDirectory();
  const fileStep = isDirectory ? undefined : basename(path).match(STEP_FILE);
  if (!isDirectory && !fileStep) {
    throw new RangeError(`${path}: not a run directory, a step-NNNNNN.f32 checkpoint, or an .onnx model`);
  }
  const runDir = isDirectory ? path : dirname(path);
  const chosen = fileStep ? Number(fileStep[1]) : step;
  const { manifest, step: loaded, params } = await loadCheckpoint(runDir, chosen);
  const config = manifest.config;
  return {
    kind: "checkpoint",
    runDir,
    step: loaded,
    params,
    dims: modelDims(config.model),
    parameterization: config.model.parameterization,
    objective: objectiveOf(config.model),
    schedule: makeSchedule(config.schedule),
    manifest,
  };
}

/** Reads a model from a checkpoint path or an .onnx file (a regular file of at most READ_LIMITS.onnx bytes). */
export async function readModel(path: string, step?: number): Promise<CheckpointModel | OnnxModel> {
  if (path.toLowerCase().endsWith(".onnx")) {
    const bytes = await readBoundedFile(path, "onnx");
    const metadata = readOnnxMetadata(bytes);
    return {
      kind: "onnx",
      path,
      bytes,
      schedule: makeSchedule(metadata.schedule),
      parameterization: metadata.parameterization,
      objective: metadata.objective,
    };
  }
  return readCheckpoint(path, step);
}

/**
 * The network's weights, about its multiply-adds per point: a checkpoint's parameters, or an .onnx file's
 * size in float32s (its graph and metadata are a few hundred bytes beside them).
 */
export function modelWeights(model: CheckpointModel | OnnxModel): number {
  return model.kind === "checkpoint" ? model.params.length : Math.ceil(model.bytes.length / 4);
}

/** The ONNX bytes of a checkpoint (ε or a flow model's velocity out; schedule, parameterization and objective in the metadata). */
export function checkpointToOnnx(model: CheckpointModel): Uint8Array {
  return exportOnnx({
    params: model.params,
    dims: model.dims,
    parameterization: model.parameterization,
    schedule: model.schedule,
    objective: model.objective,
  });
}

/**
 * A denoiser over the model on the chosen engine (the fused kernel by default), which says the model's
 * objective: engines output the network's raw values, and for a flow model those are its velocity, asked
 * only at τ ∈ [0, 1000] (flow/network.ts).
 */
export async function openDenoiser(
  model: CheckpointModel | OnnxModel,
  engine: InferenceEngine = DEFAULT_INFERENCE_ENGINE,
): Promise<Denoiser & { dispose?: () => void | Promise<void> }> {
  if (engine === "ort") {
    // onnxruntime's denoiser reads the objective from the graph's metadata itself; passed to be checked.
    const { createOrtDenoiser } = await import("../engines/onnx/ortDenoiser.js");
    return createOrtDenoiser(model.kind === "onnx" ? model.bytes : checkpointToOnnx(model), { objective: model.objective });
  }
  const opened = await openWeightsEngine(model, engine);
  return model.objective === "flow-matching" ? asFlowNetwork(opened) : opened;
}

/** The engines other than onnxruntime run the weights themselves: an .onnx model's are read from its initializers. */
async function openWeightsEngine(
  model: CheckpointModel | OnnxModel,
  engine: Exclude<InferenceEngine, "ort">,
): Promise<Denoiser & { dispose?: () => void | Promise<void> }> {
  const { params, dims } = model.kind === "onnx" ? readOnnxParams(model.bytes) : model;
  const options = { parameterization: model.parameterization, dims };
  if (engine === "fused") {
    const { createWasmDenoiser } = await import("../engines/fused/wasmDenoiser.js");
    return createWasmDenoiser(params, options);
  }
  if (engine === "tfjs") {
    const { createTfjsDenoiser } = await import("../engines/tfjs/tfjsDenoiser.js");
    return createTfjsDenoiser(params, options);
  }
  const { createReferenceDenoiser } = await import("../engines/reference/referenceDenoiser.js");
  return createReferenceDenoiser(params, options);
}
