/**
 * A training run directory: manifest.json plus one step-000250.f32 weight file per checkpoint.
 *
 * Every file is written to a temporary sibling, flushed to disk and renamed into place, the weights
 * before the manifest that lists them. So however a run is interrupted (Ctrl-C, a crash, a full disk),
 * the directory holds a manifest whose every checkpoint is complete: the last good one survives.
 * Framework runs the data loaders on Deno too (observablehq.config.ts), so this and the CLI share one runtime.
 */

import type { ReflowPairs } from "../core/flow/reflow.js";
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { NetworkPass } from "../core/training/evaluation.js";
import { fusedNetworkPass } from "../engines/fused/networkPass.js";
import { assertInsideRunFolder } from "./confine.js";
import { readBoundedFile, readBoundedText, writeFileAtomic } from "./files.js";
import {
  addCheckpoint,
  CheckpointError,
  createManifest,
  decodeCheckpoint,
  endManifest,
  MANIFEST_FILE,
  manifestText,
  parseManifest,
  type RunEnd,
  type RunManifest,
} from "../core/training/checkpoint.js";
import type { TrainConfig } from "../core/training/config.js";
import type { TrainEngine } from "../core/training/engine.js";
import {
  type CheckpointEvent,
  type CheckpointSink,
  type ProgressEvent,
  train,
  TrainingDivergedError,
  type TrainResult,
} from "../core/training/train.js";

/** Writes the manifest (atomically). */
export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), manifestText(manifest));
}

/** Writes a checkpoint's weight file, then the manifest that lists it; returns that manifest. */
export async function saveCheckpoint(
  dir: string,
  manifest: RunManifest,
  checkpoint: CheckpointEvent,
): Promise<RunManifest> {
  const saved = await addCheckpoint(manifest, checkpoint);
  await writeFileAtomic(join(dir, saved.file), saved.bytes);
  await writeManifest(dir, saved.manifest);
  return saved.manifest;
}

/** A run directory as training's CheckpointSink: its manifest on disk follows every checkpoint and the end. */
class RunDirectory {
  constructor(readonly dir: string, public manifest: RunManifest) {}

  readonly save: CheckpointSink = async (checkpoint) => {
    this.manifest = await saveCheckpoint(this.dir, this.manifest, checkpoint);
  };

  async end(end: RunEnd): Promise<RunManifest> {
    this.manifest = endManifest(this.manifest, end);
    await writeManifest(this.dir, this.manifest);
    return this.manifest;
  }
}

/** The validated manifest of a run directory (a regular file of at most READ_LIMITS.manifest bytes). */
export async function loadRun(dir: string): Promise<RunManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readBoundedText(path, "manifest");
  } catch (error) {
    throw new CheckpointError(`${path}: cannot read (${(error as Error).message.split("\n")[0]})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${path}: invalid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  return parseManifest(json);
}

export interface LoadedCheckpoint {
  manifest: RunManifest;
  step: number;
  params: Float32Array;
}

/**
 * The weights of checkpoint `step` (default: the last one saved), verified against the manifest. The
 * file's size is checked against the manifest's before a byte is read, so a huge file or a device in its
 * place is refused at once.
 */
export async function loadCheckpoint(dir: string, step?: number): Promise<LoadedCheckpoint> {
  const manifest = await loadRun(dir);
  const last = manifest.checkpoints[manifest.checkpoints.length - 1];
  if (step === undefined && !last) {
    throw new CheckpointError(`${join(dir, MANIFEST_FILE)}: the run has no checkpoint yet`);
  }
  const chosen = step ?? last.step;
  const entry = manifest.checkpoints.find((c) => c.step === chosen);
  if (!entry) {
    throw new CheckpointError(
      `no checkpoint at step ${chosen} (the run has: ${manifest.checkpoints.map((c) => c.step).join(", ") || "none"})`,
    );
  }
  const path = join(dir, entry.file);
  const cannotRead = (error: unknown) =>
    new CheckpointError(`${path}: cannot read (${(error as Error).message.split("\n")[0]})`);
  const info = await stat(path).catch((error) => {
    throw cannotRead(error);
  });
  if (info.isFile() && info.size !== entry.bytes) {
    const why = info.size < entry.bytes ? "truncated" : "extra data";
    throw new CheckpointError(`${entry.file}: ${info.size} bytes, expected ${entry.bytes} (${why})`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedFile(path, "weights");
  } catch (error) {
    throw cannotRead(error);
  }
  return { manifest, step: chosen, params: await decodeCheckpoint(manifest, chosen, bytes) };
}

export interface RunTrainingOptions {
  config: TrainConfig;
  /** Built from initialParams(config); the caller disposes of it. */
  engine: TrainEngine;
  runDir: string;
  /** What produced the run, e.g. the CLI command line. */
  command: string;
  /** What to record as the run's versions: runtimeVersions(engine.name) of io/versions.ts. */
  versions: Record<string, string>;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Replace a run already in runDir (default: refuse). */
  overwrite?: boolean;
  /** Evaluation points per timestep bucket (see train). */
  evalPoints?: number;
  /** The pass that scores checkpoints (default the fused kernel's, one thread: 10× the float64 reference's speed). */
  evalPass?: NetworkPass;
  /** The normalised points of config.dataset.file (io/datasetFile.ts resolveDataset): required for a file dataset. */
  filePoints?: Float64Array;
  /** The teacher's pairs for a reflow config (core/flow/reflow.ts drawReflowPairs). */
  reflowPairs?: ReflowPairs;
  /**
   * The runs folder runDir must stay in once symlinks are resolved (ensureRun's): Deno's --allow-write
   * does not resolve them, so a link inside the folder could otherwise lead the run anywhere.
   */
  within?: string;
}

export interface RunTrainingResult {
  result: TrainResult;
  manifest: RunManifest;
}

/**
 * Trains into a run directory: a manifest with status "running" first, every checkpoint as it comes,
 * and the final status ("completed" or "aborted"). On divergence or any other error the manifest
 * records status "diverged" or "failed" with the one-line reason, keeps its good checkpoints, and the
 * error is rethrown.
 */
export async function runTraining(options: RunTrainingOptions): Promise<RunTrainingResult> {
  const { config, engine, runDir } = options;
  // Before mkdir, which would itself create folders through a link.
  if (options.within !== undefined) await assertInsideRunFolder(runDir, options.within);
  await mkdir(runDir, { recursive: true });
  const existing = await stat(join(runDir, MANIFEST_FILE)).then(() => true, () => false);
  if (existing && !options.overwrite) {
    throw new Error(`${runDir} already holds a run (${MANIFEST_FILE}): choose another directory or overwrite it`);
  }
  const run = new RunDirectory(
    runDir,
    await createManifest({ config, engine: engine.name, versions: options.versions, command: options.command }),
  );
  await writeManifest(runDir, run.manifest);
  try {
    const result = await train(config, engine, {
      onProgress: options.onProgress,
      signal: options.signal,
      evalPoints: options.evalPoints,
      evalPass: options.evalPass ?? fusedNetworkPass({ threads: 1 }),
      onCheckpoint: run.save,
      filePoints: options.filePoints,
      reflowPairs: options.reflowPairs,
    });
    const manifest = await run.end({ status: result.aborted ? "aborted" : "completed", lossHistory: result.lossHistory });
    return { result, manifest };
  } catch (error) {
    const diverged = error instanceof TrainingDivergedError;
    await run.end({
      status: diverged ? "diverged" : "failed",
      error: (error instanceof Error ? error.message : String(error)).split("\n")[0],
      lossHistory: diverged ? error.lossHistory : undefined,
    });
    throw error;
  }
}
