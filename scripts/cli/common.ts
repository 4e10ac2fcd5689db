/** Flags and helpers that several chisel commands share. */
import { makeSchedule, type Schedule, type ScheduleKind } from "../../src/core/schedule.js";
import { SETTINGS } from "../../src/core/settings.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { type CheckpointModel, type InferenceEngine, type OnnxModel, openDenoiser, readModel } from "../../src/io/models.js";
import { settingFlag, UsageError } from "./flags.js";

export const scheduleFlags = {
  schedule: settingFlag(SETTINGS.scheduleKind),
  "beta-start": settingFlag(SETTINGS.betaStart),
  "beta-end": settingFlag(SETTINGS.betaEnd, { help: "β at t = T, greater than --beta-start (ignored by cosine)" }),
  T: settingFlag(SETTINGS.T),
};

export const outFlag = {
  out: { type: "string", help: "write the JSON here instead of stdout" },
} as const;

/** Builds the schedule the flags describe; cross-flag problems name the flags. */
export function scheduleFromFlags(flags: {
  schedule?: string;
  "beta-start"?: number;
  "beta-end"?: number;
  T?: number;
}): Schedule {
  const kind = flags.schedule as ScheduleKind;
  const betaStart = flags["beta-start"]!;
  const betaEnd = flags["beta-end"]!;
  if (kind !== "cosine" && flags.T! > 1 && !(betaEnd > betaStart)) {
    throw new UsageError(`--beta-end must be greater than --beta-start (${betaStart}) and below 1, got ${betaEnd}`);
  }
  return makeSchedule({ kind, T: flags.T!, betaStart, betaEnd });
}

/** Interleaved points as [[x, y], …] for JSON output. */
export function pairs(points: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push([points[i], points[i + 1]]);
  return out;
}

/**
 * Refuses a --step the model path overrides, rather than ignoring it: an .onnx file has no steps, and
 * a step-NNNNNN.f32 file names its own.
 */
export function checkStep(step: number | undefined, model: CheckpointModel | OnnxModel, flag: string, path: string): void {
  if (step === undefined) return;
  if (model.kind === "onnx") throw new UsageError(`--step goes with a run directory, not an .onnx --${flag}`);
  if (model.step !== step) throw new UsageError(`--step ${step} disagrees with --${flag} ${path}, which is step ${model.step}`);
}

/**
 * The signals that stop a long command as Ctrl-C does (train saves the step reached and marks its run
 * aborted; report leaves the published reports and the run cache as they were), each with the exit
 * code a shell reports for a process it ended: 128 + the signal's number.
 */
export const STOP_SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Catches the stop signals until `remove()`: the first aborts `signal` and is kept in `received`; later
 * ones are ignored while the command winds down (a second Ctrl-C cannot cut a checkpoint short).
 */
export function catchStopSignals(): { signal: AbortSignal; received: () => StopSignal | undefined; remove: () => void } {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  // Windows delivers only SIGINT (Ctrl-C) to Deno; listening for the others there throws.
  const names = Deno.build.os === "windows" ? ["SIGINT" as const] : (Object.keys(STOP_SIGNALS) as StopSignal[]);
  const listeners = names.map((name) => {
    const listener = () => {
      received ??= name;
      controller.abort(new Error(`interrupted by ${name}`));
    };
    Deno.addSignalListener(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    received: () => received,
    remove: () => listeners.forEach(([name, listener]) => Deno.removeSignalListener(name, listener)),
  };
}

/**
 * One stderr line when a checkpoint comes from a run that did not complete (running: still training or
 * killed outright; aborted: stopped by a signal; diverged; failed): its weights are not the model its
 * config describes. It is still read, to inspect what the run reached; weights that are not finite are
 * refused on reading.
 */
export function warnIfIncomplete(flag: string, path: string, model: CheckpointModel | OnnxModel): void {
  if (model.kind !== "checkpoint" || model.manifest.status === "completed") return;
  const { status, error, config } = model.manifest;
  const why = error === undefined ? "" : `: ${error.split("\n")[0]}`;
  console.error(
    `chisel: warning: --${flag} ${path} is a run that did not complete (${status}${why}); this is its checkpoint at step ${model.step} of ${config.training.steps}`,
  );
}

/** Reads a trained --model (at --step) and opens it on --engine; each problem is one line naming its flag. */
export async function openModel(path: string, step: number | undefined, engine: InferenceEngine): Promise<{
  model: CheckpointModel | OnnxModel;
  denoiser: Denoiser & { dispose?: () => void | Promise<void> };
}> {
  const model = await readModel(path, step).catch((error) => {
    throw new UsageError(`--model ${path}: ${(error as Error).message.split("\n")[0].replace(/^ENOENT: /, "")}`);
  });
  checkStep(step, model, "model", path);
  warnIfIncomplete("model", path, model);
  const denoiser = await openDenoiser(model, engine).catch((error) => {
    // Every engine takes every model chisel writes: a failure here is this file's.
    throw new UsageError(`--model ${path}: ${engine} cannot open it: ${(error as Error).message.split("\n")[0]}`);
  });
  return { model, denoiser };
}
