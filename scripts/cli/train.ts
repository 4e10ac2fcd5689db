import { DATASET_NAMES } from "../../src/core/datasets.js";
import { PARAMETERIZATIONS } from "../../src/core/parameterization.js";
import { SCHEDULE_KINDS } from "../../src/core/schedule.js";
import { configHash, LR_SCHEDULES, parseTrainConfig, type TrainConfig } from "../../src/core/training/config.js";
import type { ProgressEvent } from "../../src/core/training/train.js";
import { createTrainEngine, DEFAULT_TRAIN_BACKEND, TRAIN_BACKENDS } from "../../src/engines/trainEngines.js";
import { runTraining } from "../../src/io/runStore.js";
import { defineCommand } from "./command.js";
import { UsageError } from "./flags.js";
import { progressBar } from "./progress.js";
import { readJsonFile, runtimeVersions } from "./files.js";

/** Where each override flag goes in the config. */
const OVERRIDES = {
  dataset: ["dataset", "name"],
  "dataset-n": ["dataset", "n"],
  schedule: ["schedule", "kind"],
  "beta-start": ["schedule", "betaStart"],
  "beta-end": ["schedule", "betaEnd"],
  T: ["schedule", "T"],
  parameterization: ["model", "parameterization"],
  steps: ["training", "steps"],
  batch: ["training", "batch"],
  lr: ["training", "lr"],
  "lr-schedule": ["training", "lrSchedule"],
  warmup: ["training", "warmup"],
  ema: ["training", "ema"],
  seed: ["training", "seed"],
  backend: ["backend"],
} as const;

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

export const trainCommand = defineCommand({
  name: "train",
  summary: "Trains the denoising MLP into a run directory of hashed checkpoints. Ctrl-C saves the last step.",
  ownsOut: true,
  flags: {
    config: { type: "string", help: "training config JSON (defaults fill what it leaves out; flags override it)" },
    out: { type: "string", required: true, help: "run directory to create" },
    overwrite: { type: "boolean", help: "replace a run already in --out" },
    dataset: { type: "choice", choices: DATASET_NAMES, help: "dataset.name" },
    "dataset-n": { type: "number", integer: true, min: 1, max: 100_000, help: "dataset.n: training points" },
    schedule: { type: "choice", choices: SCHEDULE_KINDS, help: "schedule.kind" },
    "beta-start": { type: "number", min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, help: "schedule.betaStart" },
    "beta-end": { type: "number", min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, help: "schedule.betaEnd" },
    T: { type: "number", integer: true, min: 1, max: 100_000, help: "schedule.T" },
    parameterization: { type: "choice", choices: PARAMETERIZATIONS, help: "model.parameterization: what the network predicts" },
    steps: { type: "number", integer: true, min: 1, max: 1_000_000, help: "training.steps" },
    batch: { type: "number", integer: true, min: 1, max: 65_536, help: "training.batch" },
    lr: { type: "number", min: 0, max: 1, exclusiveMin: true, help: "training.lr: Adam's learning rate" },
    "lr-schedule": { type: "choice", choices: LR_SCHEDULES, help: "training.lrSchedule" },
    warmup: { type: "number", integer: true, min: 0, max: 1_000_000, help: "training.warmup: steps of linear warm-up" },
    ema: { type: "number", min: 0, max: 1, exclusiveMax: true, help: "training.ema: weight EMA decay, 0 (off) or in [0.9, 1)" },
    seed: { type: "number", integer: true, min: 0, max: 2 ** 32 - 1, help: "training.seed" },
    backend: { type: "choice", choices: TRAIN_BACKENDS, help: `training engine (default ${DEFAULT_TRAIN_BACKEND})` },
    quiet: { type: "boolean", help: "no progress bar" },
  },
  async run(flags) {
    const json = flags.config === undefined ? {} : await readJsonFile("config", flags.config);
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new UsageError(`--config ${flags.config}: must hold a JSON object`);
    }
    const merged = structuredClone(json) as Record<string, Record<string, unknown>>;
    for (const [flag, path] of Object.entries(OVERRIDES)) {
      const value = flags[flag as keyof typeof OVERRIDES];
      if (value === undefined) continue;
      if (path.length === 1) (merged as Record<string, unknown>)[path[0]] = value;
      else (merged[path[0]] ??= {})[path[1]] = value;
    }
    merged.backend ??= DEFAULT_TRAIN_BACKEND as never; // the hash keys on the engine that really trains
    let config: TrainConfig;
    try {
      config = parseTrainConfig(merged);
    } catch (error) {
      throw new UsageError(`${flags.config ? `--config ${flags.config}` : "config"}: ${(error as Error).message}`);
    }
    const engine = await createTrainEngine(config);
    const controller = new AbortController();
    const interrupt = () => controller.abort(new Error("interrupted"));
    Deno.addSignalListener("SIGINT", interrupt);
    const bar = flags.quiet ? undefined : progressBar(Deno.stderr);
    try {
      const { result, manifest } = await runTraining({
        config,
        engine,
        runDir: flags.out!,
        overwrite: flags.overwrite,
        command: ["chisel", "train", ...Deno.args.slice(1)].join(" "),
        versions: await runtimeVersions(engine.name),
        signal: controller.signal,
        onProgress: (event: ProgressEvent) => bar?.update(event, engine.name),
      });
      bar?.done();
      if (result.aborted) {
        console.error(`chisel: interrupted after step ${result.step}; its checkpoint is saved in ${flags.out}`);
        Deno.exitCode = INTERRUPTED_EXIT_CODE;
      }
      const last = manifest.checkpoints[manifest.checkpoints.length - 1];
      return {
        runDir: flags.out,
        status: manifest.status,
        engine: engine.name,
        configHash: await configHash(config),
        steps: result.step,
        seconds: result.seconds,
        finalLoss: last?.loss,
        checkpoints: manifest.checkpoints.map((c) => c.step),
      };
    } finally {
      bar?.done();
      Deno.removeSignalListener("SIGINT", interrupt);
      await engine.dispose();
    }
  },
});
