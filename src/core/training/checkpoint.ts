/**
 * A training run on disk, described without touching the disk: the manifest (manifest.json) and the
 * weight files it lists. A weight file is the flat MLP parameter array (mlp.ts) as raw little-endian
 * float32; the manifest records each file's size and SHA-256, so a truncated, edited or mismatched
 * file is refused instead of being read as weights.
 */

import { z } from "zod";
import { mlpLayout } from "../mlp.js";
import { sha256Hex } from "../hash.js";
import { describeIssue, showValue } from "../validation.js";
import {
  configHash,
  modelDims,
  type TrainConfig,
  trainConfigSchema,
} from "./config.js";
import type { CheckpointEvent, LossHistory, TimestepLoss } from "./train.js";

export const RUN_FORMAT = "chisel-run";
export const RUN_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
export const RUN_STATUSES = ["running", "completed", "aborted", "diverged", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A bad, truncated, tampered or mismatched run file. The message is one line. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

/** "step-000250.f32": zero-padded so a directory listing sorts by step. */
export function checkpointFileName(step: number): string {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
  return `step-${String(step).padStart(6, "0")}.f32`;
}

const finite = z.number({ error: "must be a finite number" });
const count = z.number({ error: "must be a non-negative integer" }).int({ error: "must be a non-negative integer" })
  .min(0, { error: "must be a non-negative integer" });

const timestepLossSchema = z.strictObject({ from: count, to: count, loss: finite }, { error: "must be an object" });

const checkpointSchema = z.strictObject({
  step: count,
  // Only names this module writes: a manifest cannot point a reader at another path.
  file: z.string({ error: "must be a name like step-000250.f32" })
    .regex(/^step-\d{6,}\.f32$/, { error: "must be a name like step-000250.f32" }),
  bytes: count,
  sha256: z.string({ error: "must be 64 lowercase hex digits" }).regex(/^[0-9a-f]{64}$/, {
    error: "must be 64 lowercase hex digits",
  }),
  loss: finite,
  lossByTimestep: z.array(timestepLossSchema, { error: "must be a list" }),
}, { error: "must be an object" });

const manifestSchema = z.strictObject({
  format: z.literal(RUN_FORMAT, { error: `must be "${RUN_FORMAT}"` }),
  version: z.literal(RUN_VERSION, { error: `must be ${RUN_VERSION}` }),
  status: z.enum(RUN_STATUSES, { error: `must be one of ${RUN_STATUSES.join(", ")}` }),
  /** The one-line reason when status is diverged or failed. */
  error: z.string({ error: "must be a string" }).optional(),
  config: trainConfigSchema,
  configHash: z.string({ error: "must be 64 lowercase hex digits" }).regex(/^[0-9a-f]{64}$/, {
    error: "must be 64 lowercase hex digits",
  }),
  seed: count,
  /** TrainEngine.name of what trained the run. */
  engine: z.string({ error: "must be a string" }),
  /** Library versions, as the caller reports them (chisel, tfjs, deno, …). */
  versions: z.record(z.string(), z.string({ error: "must be a version string" }), {
    error: "must map names to version strings",
  }),
  /** ISO 8601 time the run started. */
  created: z.iso.datetime({ error: "must be an ISO 8601 date-time" }),
  /** What produced the run, e.g. the CLI command line. */
  command: z.string({ error: "must be a string" }),
  lossHistory: z.strictObject({ steps: z.array(count), loss: z.array(finite) }, { error: "must be {steps, loss}" }),
  checkpoints: z.array(checkpointSchema, { error: "must be a list" }),
}, { error: "must be an object" });

export type CheckpointEntry = z.output<typeof checkpointSchema>;
export type RunManifest = z.output<typeof manifestSchema>;

/** Validates a manifest document; throws a one-line CheckpointError naming the first bad field. */
export function parseManifest(json: unknown): RunManifest {
  // Format and version first: a newer manifest should say so, not fail on a field it added.
  const head = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : {};
  if (head.format !== RUN_FORMAT) {
    throw new CheckpointError(`manifest.format: must be "${RUN_FORMAT}", got ${showValue(head.format)}`);
  }
  if (head.version !== RUN_VERSION) {
    throw new CheckpointError(
      `manifest.version: this chisel reads version ${RUN_VERSION}, got ${showValue(head.version)}`,
    );
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    throw new CheckpointError(`manifest.${describeIssue(result.error, json, manifestSchema, "manifest")}`);
  }
  const { steps, loss } = result.data.lossHistory;
  if (steps.length !== loss.length) {
    throw new CheckpointError(
      `manifest.lossHistory: steps and loss must have equal lengths, got ${steps.length} and ${loss.length}`,
    );
  }
  return result.data;
}

export interface NewRun {
  config: TrainConfig;
  /** TrainEngine.name. */
  engine: string;
  versions: Record<string, string>;
  command: string;
  created?: Date;
}

/** The manifest of a run that has just started: no checkpoints, no history. */
export async function createManifest(run: NewRun): Promise<RunManifest> {
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    status: "running",
    config: run.config,
    configHash: await configHash(run.config),
    seed: run.config.training.seed,
    engine: run.engine,
    versions: { ...run.versions },
    created: (run.created ?? new Date()).toISOString(),
    command: run.command,
    lossHistory: { steps: [], loss: [] },
    checkpoints: [],
  };
}

/** The weights as raw little-endian float32 bytes. */
export function encodeParams(params: Float32Array): Uint8Array {
  const bytes = new Uint8Array(4 * params.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < params.length; i++) view.setFloat32(4 * i, params[i], true);
  return bytes;
}

/** The manifest entry for a weight file with these bytes. */
export async function checkpointEntry(
  step: number,
  bytes: Uint8Array,
  loss: number,
  lossByTimestep: TimestepLoss[],
): Promise<CheckpointEntry> {
  return {
    step,
    file: checkpointFileName(step),
    bytes: bytes.length,
    sha256: await sha256Hex(bytes),
    loss,
    lossByTimestep,
  };
}

/** The manifest with `entry` added (replacing one at the same step) and the loss history brought up to date. */
export function withCheckpoint(manifest: RunManifest, entry: CheckpointEntry, lossHistory: LossHistory): RunManifest {
  const checkpoints = manifest.checkpoints.filter((c) => c.step !== entry.step).concat(entry).sort((a, b) =>
    a.step - b.step
  );
  return { ...manifest, checkpoints, lossHistory };
}

/** A checkpoint as a run stores it: its weight file, and the manifest that lists that file. */
export async function addCheckpoint(
  manifest: RunManifest,
  checkpoint: CheckpointEvent,
): Promise<{ manifest: RunManifest; file: string; bytes: Uint8Array }> {
  const bytes = encodeParams(checkpoint.params);
  const entry = await checkpointEntry(checkpoint.step, bytes, checkpoint.loss, checkpoint.lossByTimestep);
  return { manifest: withCheckpoint(manifest, entry, checkpoint.lossHistory), file: entry.file, bytes };
}

/** How a run ended: its status, the final loss history (default: as last recorded), and why it failed. */
export interface RunEnd {
  status: RunStatus;
  lossHistory?: LossHistory;
  error?: string;
}

export function endManifest(manifest: RunManifest, end: RunEnd): RunManifest {
  return {
    ...manifest,
    status: end.status,
    ...(end.error === undefined ? {} : { error: end.error }),
    lossHistory: end.lossHistory ?? manifest.lossHistory,
  };
}

/** The text of manifest.json, the same from every shell. */
export function manifestText(manifest: RunManifest): string {
  return JSON.stringify(manifest) + "\n";
}

/**
 * The weights of checkpoint `step` from its file's bytes, after checking the manifest's format, that
 * its config still hashes to configHash, that the size fits the configured network, the SHA-256, and
 * that every weight is finite.
 */
export async function decodeCheckpoint(manifest: RunManifest, step: number, bytes: Uint8Array): Promise<Float32Array> {
  if (manifest.format !== RUN_FORMAT || manifest.version !== RUN_VERSION) {
    throw new CheckpointError(
      `manifest is ${showValue(manifest.format)} version ${
        showValue(manifest.version)
      }, this chisel reads "${RUN_FORMAT}" version ${RUN_VERSION}`,
    );
  }
  const entry = manifest.checkpoints.find((c) => c.step === step);
  if (!entry) {
    const steps = manifest.checkpoints.map((c) => c.step).join(", ") || "none";
    throw new CheckpointError(`no checkpoint at step ${step} (the run has: ${steps})`);
  }
  if ((await configHash(manifest.config)) !== manifest.configHash) {
    throw new CheckpointError(
      `manifest config does not match its configHash ${manifest.configHash.slice(0, 12)}…: it was edited`,
    );
  }
  const dims = modelDims(manifest.config.model);
  const expected = 4 * mlpLayout(dims).size;
  if (entry.bytes !== expected) {
    throw new CheckpointError(
      `${entry.file}: the manifest lists ${entry.bytes} bytes, but a ${dims.join("-")} network needs ${expected}`,
    );
  }
  if (bytes.length !== expected) {
    throw new CheckpointError(
      `${entry.file}: ${bytes.length} bytes, expected ${expected} (${
        bytes.length < expected ? "truncated" : "extra data"
      })`,
    );
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== entry.sha256) {
    throw new CheckpointError(
      `${entry.file}: SHA-256 ${sha256.slice(0, 12)}… does not match the manifest's ${entry.sha256.slice(0, 12)}…`,
    );
  }
  const params = new Float32Array(expected / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < params.length; i++) params[i] = view.getFloat32(4 * i, true);
  // The hash only proves the file is what training wrote: weights that went NaN would sample NaN.
  const bad = params.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new CheckpointError(`${entry.file}: weights contain ${params[bad]} at parameter index ${bad}; the run diverged`);
  }
  return params;
}
