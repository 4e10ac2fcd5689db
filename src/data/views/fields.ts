/**
 * The Fields page's precomputed views: for a built-in model, what it has learned (the score of the
 * default DDPM model, the velocity of its flow-matching twin) on a grid of arrows at every frame of one
 * sampling run, with the run's points at those frames (src/core/fieldAlongSampling.ts). One float32
 * bundle per model, so the page loads the second only when asked for it.
 *
 * The flow-matching model is the default config trained with `model.objective: "flow-matching"`, the
 * run the ddpm-vs-flow-matching report compares: the run cache keys on the config, so both come from
 * data/runs, committed, and a fresh clone builds without training.
 */
import { arrowGrid } from "../../core/arrowGrid.js";
import { concatArrays } from "../../core/concatArrays.js";
import { FIELD_VIEW, fieldAlongSampling } from "../../core/fieldAlongSampling.js";
import type { FieldTime } from "../../core/learnedField.js";
import type { SampleOptions } from "../../core/sample.js";
import { encodeBundle } from "../../core/floatBundle.js";
import type { TrainConfig } from "../../core/training/config.js";
import { defaultRun } from "../../io/defaultRun.js";
import { openDenoiser, readCheckpoint } from "../../io/models.js";
import { ensureRun } from "../../io/runCache.js";
import { type RunInfo, runInfoOf } from "./sampling.js";

/** The built-in models: the default DDPM run and its flow-matching twin. */
export type BuiltInField = "ddpm" | "flow-matching";

export interface FieldsMeta {
  source: RunInfo;
  sampler: SampleOptions["sampler"];
  steps: number;
  n: number;
  seed: number;
  grid: { extent: number; count: number };
  /** One per frame; arrays `samples` (frames × 2n) and `field` (frames × 2·count²), frame after frame. */
  frames: FieldTime[];
}

/** The run directory of a built-in model: the default run's, or that of its config with the flow-matching objective. */
async function runDirOf(which: BuiltInField): Promise<string> {
  const { dir, config } = await defaultRun();
  if (which === "ddpm") return dir;
  const flow: TrainConfig = { ...config, model: { ...config.model, objective: "flow-matching" } };
  const run = await ensureRun(flow, { command: "chisel train --objective flow-matching --config data/configs/default.json (via src/data/views/fields.ts)" });
  return run.dir;
}

/** The bundle of one built-in model's field along sampling. */
export async function fieldsView(which: BuiltInField): Promise<Uint8Array> {
  const model = await readCheckpoint(await runDirOf(which));
  const denoiser = await openDenoiser(model);
  try {
    const { extent, count, steps, n, seed } = FIELD_VIEW;
    const grid = arrowGrid(extent, count);
    const run = await fieldAlongSampling({ denoiser, schedule: model.schedule }, { steps, n, seed, grid: grid.points });
    const meta: FieldsMeta = {
      source: runInfoOf(model),
      sampler: run.sampler,
      steps,
      n,
      seed,
      grid: { extent, count },
      frames: run.frames.map(({ time, t, signal, noise }) => ({ time, t, signal, noise })),
    };
    return encodeBundle(meta, {
      samples: concatArrays(run.frames.map((frame) => frame.samples)),
      field: concatArrays(run.frames.map((frame) => frame.field)),
    });
  } finally {
    await denoiser.dispose?.();
  }
}
