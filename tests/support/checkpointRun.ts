/**
 * A small training run's manifest and weights, shared by the checkpoint format's tests (core) and the run
 * directory's (io), and a catcher for the CheckpointError both refuse bad input with.
 */

import { expect } from "vitest";
import { initMlpParams } from "../../src/core/mlp.js";
import {
  checkpointEntry,
  CheckpointError,
  createManifest,
  encodeParams,
  type RunManifest,
  withCheckpoint,
} from "../../src/core/training/checkpoint.js";
import { parseTrainConfig } from "../../src/core/training/config.js";

const config = parseTrainConfig({ training: { steps: 500 } });
export const params = initMlpParams(0);
export const lossByTimestep = [{ from: 0, to: 1000, loss: 1.25 }];
export const history = { steps: [10, 20], loss: [1.5, 1.25] };

export async function runWith(step: number, weights: Float32Array, base?: RunManifest) {
  const manifest = base ?? await createManifest({
    config,
    engine: "fake",
    versions: { chisel: "0.1.0" },
    command: "chisel train --steps 500",
    created: new Date("2025-01-02T03:04:05Z"),
  });
  const bytes = encodeParams(weights);
  return {
    bytes,
    manifest: withCheckpoint(manifest, await checkpointEntry(step, bytes, 1.25, lossByTimestep), history),
  };
}

/** The one-line message of the CheckpointError the promise rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CheckpointError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  return message;
}
