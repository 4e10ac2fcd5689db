/**
 * A run trained in the browser, as the files the CLI reads: a run directory's manifest.json and its
 * step-NNNNNN.f32 weights (saved side by side, `chisel sample --model DIR` or `--model DIR/step-….f32`
 * reads them), or one self-contained .onnx model (`--model FILE.onnx`). The manifest lists exactly the
 * checkpoint that is downloaded with it, with the file's size and SHA-256, as the CLI's run store writes it.
 */
import {
  checkpointEntry,
  createManifest,
  encodeParams,
  MANIFEST_FILE,
  type RunManifest,
  type RunStatus,
  withCheckpoint,
} from "../core/training/checkpoint.js";
import { modelDims, type TrainConfig } from "../core/training/config.js";
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
  const weights = encodeParams(run.params);
  const entry = await checkpointEntry(run.step, weights, run.loss, run.lossByTimestep);
  const manifest = { ...withCheckpoint(started, entry, run.lossHistory), status: run.status };
  return {
    manifest,
    manifestName: MANIFEST_FILE,
    manifestText: JSON.stringify(manifest, null, 1) + "\n",
    weightsName: entry.file,
    weights,
  };
}

/** The run's network as ONNX (ε output, the schedule in its metadata). Loads the exporter on first use. */
export async function onnxModel(run: Pick<BrowserRun, "config" | "params">): Promise<Uint8Array> {
  const { exportOnnx } = await import("../core/onnx/export.js");
  return exportOnnx({
    params: run.params,
    dims: modelDims(run.config.model),
    parameterization: run.config.model.parameterization,
    schedule: run.config.schedule,
  });
}

/** Hands bytes or text to the browser as a file download. */
export function saveFile(name: string, data: Uint8Array | string, type: string, document: Document = globalThis.document): void {
  const blob = new Blob([typeof data === "string" ? data : (data as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference to the blob by now.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
