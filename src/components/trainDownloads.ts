/**
 * A run trained in the browser, as the files the CLI reads: a run directory's manifest.json and its
 * step-NNNNNN.f32 weights (saved side by side, `chisel sample --model DIR` or `--model DIR/step-….f32`
 * reads them), or one self-contained .onnx model (`--model FILE.onnx`). The manifest lists exactly the
 * checkpoint that is downloaded with it, with the file's size and SHA-256, as the CLI's run store writes it.
 */
import {
  addCheckpoint,
  createManifest,
  endManifest,
  MANIFEST_FILE,
  manifestText,
  type RunManifest,
  type RunStatus,
} from "../core/training/checkpoint.js";
import { modelDims, objectiveOf, type TrainConfig } from "../core/training/config.js";
import type { LossHistory, TimestepLoss } from "../core/training/train.js";

export interface BrowserRun {
  config: TrainConfig;
  /** TrainEngine.name. */
  engine: string;
  versions: Record<string, string>;
  created: Date;
  status: RunStatus;
  /** The checkpoint to save. */
  step: number;
  params: Float32Array;
  loss: number;
  lossByTimestep: TimestepLoss[];
  lossHistory: LossHistory;
}

export interface RunFiles {
  manifest: RunManifest;
  manifestName: string;
  manifestText: string;
  weightsName: string;
  weights: Uint8Array;
}

/** What produced a browser run, as a manifest's `command`. */
export const BROWSER_COMMAND = "chisel dashboard: Train in the browser (/train)";

export async function runFiles(run: BrowserRun): Promise<RunFiles> {
  const started = await createManifest({
    config: run.config,
    engine: run.engine,
    versions: run.versions,
    command: BROWSER_COMMAND,
    created: run.created,
  });
  const saved = await addCheckpoint(started, run);
  const manifest = endManifest(saved.manifest, { status: run.status });
  return {
    manifest,
    manifestName: MANIFEST_FILE,
    manifestText: manifestText(manifest),
    weightsName: saved.file,
    weights: saved.bytes,
  };
}

/**
 * The run's network as ONNX (ε output and the schedule in its metadata, or a flow model's velocity and
 * its objective). Loads the exporter on first use.
 */
export async function onnxModel(run: Pick<BrowserRun, "config" | "params">): Promise<Uint8Array> {
  const { exportOnnx } = await import("../core/onnx/export.js");
  return exportOnnx({
    params: run.params,
    dims: modelDims(run.config.model),
    parameterization: run.config.model.parameterization,
    schedule: run.config.schedule,
    objective: objectiveOf(run.config.model),
  });
}
