/**
 * `chisel train --reflow-from RUN`: the teacher run, the student's config built from it, and the pairs
 * the teacher draws (core/flow/reflow.ts). Every refusal is one line naming a flag, before anything is
 * written: a student's hash names its teacher by config hash, so the teacher must be a completed run
 * directory (whose weights that hash decides), and the student must keep the teacher's data.
 */
import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { canonicalJson } from "../../src/core/hash.js";
import { checkReflowPairs, drawReflowPairs, type ReflowPairs } from "../../src/core/flow/reflow.js";
import { type Setting, SETTINGS } from "../../src/core/settings.js";
import type { ReflowConfig, TrainConfig } from "../../src/core/training/config.js";
import { sampleEstimate } from "../../src/core/cost.js";
import { type CheckpointModel, modelWeights, openDenoiser, readCheckpoint } from "../../src/io/models.js";
import { type FlagSpec, settingFlag, UsageError } from "./flags.js";
import { startJob } from "./progress.js";

/** The reflow settings' flags (training.reflow.*), which go with --reflow-from only. */
const REFLOW_SETTINGS: Setting[] = [SETTINGS.reflowPairs, SETTINGS.reflowSteps, SETTINGS.reflowSampler, SETTINGS.reflowSeed];
const key = (setting: Setting) => setting.path.split(".")[2];

export const reflowFlags: Record<string, FlagSpec> = {
  "reflow-from": {
    type: "string",
    help: "reflow: a completed flow-matching run directory, the teacher; trains on pairs (x_T, sample) it draws, with its config unless --config is given",
  },
  ...Object.fromEntries(
    REFLOW_SETTINGS.map((setting) => [setting.flag, settingFlag(setting, { default: undefined, help: `${setting.path}: ${setting.help} (default ${setting.default})` })]),
  ),
};

type Flags = Record<string, unknown> & { "reflow-from"?: string; out?: string };

/**
 * The --reflow-from run (undefined without the flag), refused unless it is a completed flow-matching run
 * directory, and with flags that would give the student other data or another objective.
 */
export async function readReflowTeacher(flags: Flags, datasetFlags: readonly string[]): Promise<CheckpointModel | undefined> {
  const path = flags["reflow-from"];
  if (path === undefined) {
    const stray = REFLOW_SETTINGS.find((setting) => flags[setting.flag] !== undefined);
    if (stray) throw new UsageError(`--${stray.flag} goes with --reflow-from (the teacher run whose pairs it sets)`);
    return undefined;
  }
  const data = ["data", ...datasetFlags].find((flag) => flags[flag] !== undefined);
  if (data) throw new UsageError(`--${data} cannot be combined with --reflow-from: the student learns the teacher's samples of the teacher's data`);
  if (flags.objective === "ddpm") throw new UsageError("--objective ddpm cannot be combined with --reflow-from: the student is a flow-matching model");
  const where = `--reflow-from ${path}`;
  if (path.toLowerCase().endsWith(".onnx")) throw new UsageError(`${where}: an .onnx model has no config to train the student with: give the teacher's run directory`);
  const teacher = await readCheckpoint(path).catch((error) => {
    const problem = (error as Error).message.split("\n")[0].replace(/^ENOENT: /, "").replace(`${path}: `, "");
    throw new UsageError(`${where}: ${problem} (a teacher run directory)`);
  });
  if (teacher.runDir !== path) throw new UsageError(`${where}: a checkpoint file; give the teacher's run directory (its last checkpoint teaches)`);
  if (teacher.objective !== "flow-matching") {
    throw new UsageError(`${where}: a ${teacher.objective} model; reflow needs a flow-matching teacher (--objective flow-matching)`);
  }
  const { status } = teacher.manifest;
  if (status !== "completed") throw new UsageError(`${where}: a run that did not complete (${status}); reflow needs a completed teacher`);
  if (flags.out !== undefined && await sameFolder(flags.out, path)) {
    throw new UsageError(`--out ${flags.out} is the teacher run: choose another directory for the student`);
  }
  return teacher;
}

async function sameFolder(a: string, b: string): Promise<boolean> {
  const real = (path: string) => realpath(path).catch(() => resolve(path));
  return (await real(a)) === (await real(b));
}

/**
 * The teacher's config as a starting point (its data, network, budget and engine). Left out: its own
 * reflow (if any), and what the run's length decides unless given (checkpoints, logging, and the
 * warm-up when --steps changes the length), so the student's defaults follow its own length.
 */
export function teacherConfig(teacher: CheckpointModel, flags: Flags): Record<string, unknown> {
  const { reflow: _reflow, checkpoints: _checkpoints, logEvery: _logEvery, warmup, ...training } = teacher.manifest.config.training;
  const keepWarmup = flags[SETTINGS.trainingSteps.flag] === undefined;
  return { ...structuredClone(teacher.manifest.config), training: { ...training, ...(keepWarmup ? { warmup } : {}) } };
}

/**
 * training.reflow: the teacher's config hash, and each pair setting from its flag, else from the
 * config's training.reflow (whose teacher, if named, must be this one), else its default.
 */
export function reflowSection(teacher: CheckpointModel, flags: Flags, fromConfig: unknown, source: string): Record<string, unknown> {
  const given = (fromConfig ?? {}) as Record<string, unknown>;
  const hash = teacher.manifest.configHash;
  if (given.teacher !== undefined && given.teacher !== hash) {
    throw new UsageError(`${source}: training.reflow.teacher is ${JSON.stringify(given.teacher)}, but --reflow-from ${flags["reflow-from"]} has config hash ${hash}`);
  }
  const fromFlags = REFLOW_SETTINGS.filter((setting) => flags[setting.flag] !== undefined).map((setting) => [key(setting), flags[setting.flag]]);
  return { ...given, teacher: hash, ...Object.fromEntries(fromFlags) };
}

/** The student must be a flow-matching model: checked on the merged document, before it is parsed. */
export function checkStudentObjective(merged: { model?: { objective?: unknown } }, source: string): void {
  if (merged.model?.objective !== "flow-matching") {
    throw new UsageError(`${source}: a ddpm config; --reflow-from trains a flow-matching student (model.objective: "flow-matching")`);
  }
}

/** The student must be what reflow makes of its teacher: a model of the teacher's data. */
export function checkStudentConfig(config: TrainConfig, teacher: CheckpointModel, source: string): void {
  if (canonicalJson(config.dataset) !== canonicalJson(teacher.manifest.config.dataset)) {
    throw new UsageError(`${source}: dataset differs from the teacher's (${canonicalJson(teacher.manifest.config.dataset)}): the student learns the teacher's samples of its data`);
  }
}

/**
 * Step 1 of reflow on the fused kernel: the teacher samples the pairs (about 20 s of CPU for the default
 * 20,000 × 100 Heun steps, with a progress line when long). A teacher whose samples are not finite is
 * refused here, before the student's run directory is touched.
 */
export async function drawTeacherPairs(
  teacher: CheckpointModel,
  reflow: ReflowConfig,
  options: { quiet?: boolean; signal?: AbortSignal },
): Promise<ReflowPairs> {
  const denoiser = await openDenoiser(teacher);
  const { teacher: _hash, ...settings } = reflow;
  const work = sampleEstimate({ denoiser: { kind: "network", weights: modelWeights(teacher), engine: "fused" }, sampler: reflow.sampler, n: reflow.pairs, steps: reflow.steps });
  const progress = options.quiet ? undefined : startJob(work, reflow.steps, "steps");
  try {
    const pairs = await drawReflowPairs({ teacher: denoiser, ...settings, signal: options.signal, onStep: progress?.update });
    checkReflowPairs(pairs, reflow.pairs);
    return pairs;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new UsageError(`--reflow-from ${teacher.runDir}: ${(error as Error).message.split("\n")[0]}`);
  } finally {
    progress?.done();
    await denoiser.dispose?.();
  }
}
