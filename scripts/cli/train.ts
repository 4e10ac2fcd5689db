import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { MANIFEST_FILE } from "../../src/core/training/checkpoint.js";
import { configHash, isFileDataset, parseTrainConfig, type ReflowConfig, type TrainConfig } from "../../src/core/training/config.js";
import { drawReflowPairs, type ReflowPairs } from "../../src/core/flow/reflow.js";
import { type CheckpointModel, openDenoiser, readCheckpoint } from "../../src/io/models.js";
import { type ProgressEvent, TrainingDivergedError } from "../../src/core/training/train.js";
import { type Setting, SETTINGS } from "../../src/core/settings.js";
import { createTrainEngine, DEFAULT_TRAIN_BACKEND } from "../../src/engines/trainEngines.js";
import { runTraining } from "../../src/io/runStore.js";
import { runtimeVersions } from "../../src/io/versions.js";
import { defineCommand } from "./command.js";
import { type FlagSpec, settingFlag, UsageError } from "./flags.js";
import { progressBar } from "./progress.js";
import { checkFolderFlag, readJsonFile } from "./files.js";
import { catchStopSignals, STOP_SIGNALS, warnIfIncomplete } from "./common.js";
import { dataFlag, describeData, readDataFlag } from "./dataFlag.js";
import { type DatasetFile, resolveDataset } from "../../src/io/datasetFile.js";
import { projectRelative } from "../../src/io/reports/provenance.js";

/** The sections of a training config whose settings a flag can override. */
const SECTIONS = ["dataset", "schedule", "model", "training"];

/** Every registered scalar setting of a training config: each has a flag, which sets it at its path. */
const OVERRIDDEN = (Object.values(SETTINGS) as Setting[]).filter((setting) => {
  const [section, key, ...rest] = setting.path.split(".");
  return SECTIONS.includes(section) && key !== undefined && rest.length === 0 && !key.endsWith("[]");
});

/** The flags of a built-in dataset's settings, which --data replaces. */
const DATASET_FLAGS = OVERRIDDEN.filter((setting) => setting.path.startsWith("dataset.")).map((setting) => setting.flag);

/**
 * The flags of DDPM-only settings (the noise schedule, the prediction target), each with why flow
 * matching takes none: given with it, the flag itself is named in the refusal, not a config path.
 */
const DDPM_ONLY_FLAGS = OVERRIDDEN.flatMap((setting) =>
  setting.path.startsWith("schedule.")
    ? [{ flag: setting.flag, why: "flow matching has no noise schedule" }]
    : setting === SETTINGS.parameterization
    ? [{ flag: setting.flag, why: "a flow-matching network predicts the velocity ε − x₀" }]
    : []
);

/** An override flag sets only what is given: the config and its defaults fill the rest. */
const overrideFlags: Record<string, FlagSpec> = Object.fromEntries(
  OVERRIDDEN.map((setting) => [setting.flag, settingFlag(setting, { default: undefined, help: `${setting.path}: ${setting.help}` })]),
);

/** --out must be a folder that holds no run yet (or --overwrite), or nothing; checked before training starts. */
async function checkRunDir(path: string, overwrite: boolean | undefined): Promise<void> {
  if ((await checkFolderFlag("out", path, " (train writes a run directory)")) === "missing") return;
  const held = await stat(join(path, MANIFEST_FILE)).then(() => true, () => false);
  if (held && !overwrite) throw new UsageError(`--out ${path} already holds a run: choose another directory or pass --overwrite`);
}

/** The reflow settings' flags (training.reflow.*), which go with --reflow-from only. */
const REFLOW_SETTINGS = [SETTINGS.reflowPairs, SETTINGS.reflowSteps, SETTINGS.reflowSampler, SETTINGS.reflowSeed];
const reflowFlags: Record<string, FlagSpec> = Object.fromEntries(
  REFLOW_SETTINGS.map((setting) => [setting.flag, settingFlag(setting, { default: undefined, help: `${setting.path}: ${setting.help} (default ${setting.default})` })]),
);

type Flags = Record<string, unknown> & { "reflow-from"?: string; config?: string };

/** The --reflow-from run, checked to be a flow-matching run directory; undefined without the flag. */
async function readReflowTeacher(flags: Flags): Promise<CheckpointModel | undefined> {
  const path = flags["reflow-from"];
  if (path === undefined) {
    const stray = REFLOW_SETTINGS.find((setting) => flags[setting.flag] !== undefined);
    if (stray) throw new UsageError(`--${stray.flag} goes with --reflow-from (the teacher run whose pairs it sets)`);
    return undefined;
  }
  if (flags.data !== undefined) throw new UsageError("--data cannot be combined with --reflow-from: the teacher's samples are the data");
  const teacher = await readCheckpoint(path).catch((error) => {
    throw new UsageError(`--reflow-from ${path}: ${(error as Error).message.split("\n")[0].replace(/^ENOENT: /, "")} (a teacher run directory)`);
  });
  if (teacher.objective !== "flow-matching") {
    throw new UsageError(`--reflow-from ${path}: a ${teacher.objective} model; reflow needs a flow-matching teacher (--objective flow-matching)`);
  }
  warnIfIncomplete("reflow-from", path, teacher);
  return teacher;
}

/**
 * The teacher's config as a starting point (its data, network, budget and engine). Left out: its own
 * reflow (if any), and what the run's length decides unless given (checkpoints, logging, and the
 * warm-up when --steps changes the length), so the student's defaults follow its own length.
 */
function teacherConfig(teacher: CheckpointModel, flags: Flags): Record<string, unknown> {
  const { reflow: _reflow, checkpoints: _checkpoints, logEvery: _logEvery, warmup, ...training } = teacher.manifest.config.training;
  const keepWarmup = flags[SETTINGS.trainingSteps.flag] === undefined;
  return { ...structuredClone(teacher.manifest.config), training: { ...training, ...(keepWarmup ? { warmup } : {}) } };
}

/** training.reflow: the teacher's config hash and the pairs' settings from the flags (the config's, else the defaults). */
async function reflowSection(teacher: CheckpointModel, flags: Flags): Promise<Record<string, unknown>> {
  const given = Object.fromEntries(
    REFLOW_SETTINGS.filter((setting) => flags[setting.flag] !== undefined).map((setting) => [setting.path.split(".")[2], flags[setting.flag]]),
  );
  return { teacher: teacher.manifest.configHash, ...given };
}

/** Step 1 of reflow on the fused kernel: the teacher samples the pairs (about 20 s of CPU for the default 20,000 × 100 Heun steps). */
async function drawTeacherPairs(teacher: CheckpointModel, reflow: ReflowConfig, quiet: boolean | undefined): Promise<ReflowPairs> {
  const denoiser = await openDenoiser(teacher);
  try {
    if (!quiet) console.error(`chisel: drawing ${reflow.pairs} reflow pairs from ${teacher.runDir} (${reflow.sampler}, ${reflow.steps} steps)`);
    const { teacher: _hash, ...settings } = reflow;
    return await drawReflowPairs({ teacher: denoiser, ...settings });
  } finally {
    await denoiser.dispose?.();
  }
}

export const trainCommand = defineCommand({
  name: "train",
  summary:
    "Trains the denoising MLP into a run directory of hashed checkpoints. Ctrl-C, SIGTERM or SIGHUP saves the last step.",
  ownsOut: true,
  flags: {
    config: { type: "string", help: "training config JSON (defaults fill what it leaves out; flags override it)" },
    out: { type: "string", required: true, help: "run directory to create" },
    overwrite: { type: "boolean", help: "replace a run already in --out" },
    data: dataFlag("to train on in place of a built-in dataset; replaces the config's dataset"),
    "reflow-from": {
      type: "string",
      help: "reflow: a flow-matching teacher run directory; trains on pairs (x_T, sample) it draws, with its config unless --config is given",
    },
    ...reflowFlags,
    ...overrideFlags,
    backend: settingFlag(SETTINGS.trainBackend, { default: undefined, help: `training engine (default ${DEFAULT_TRAIN_BACKEND})` }),
    quiet: { type: "boolean", help: "no progress bar" },
  },
  async run(flags) {
    const teacher = await readReflowTeacher(flags);
    // A reflow run starts from its teacher's config (the same data, network and budget) unless given one.
    const json = flags.config === undefined ? (teacher ? teacherConfig(teacher, flags) : {}) : await readJsonFile("config", flags.config);
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new UsageError(`--config ${flags.config}: must hold a JSON object`);
    }
    const merged = structuredClone(json) as Record<string, Record<string, unknown>>;
    for (const setting of OVERRIDDEN) {
      const value = (flags as Record<string, unknown>)[setting.flag];
      if (value === undefined) continue;
      const [section, key] = setting.path.split(".");
      (merged[section] ??= {})[key] = value;
    }
    if (flags.data !== undefined) {
      const clash = DATASET_FLAGS.find((flag) => (flags as Record<string, unknown>)[flag] !== undefined);
      if (clash) throw new UsageError(`--${clash} cannot be combined with --data: the file brings its own points`);
      // Recorded relative to the project when inside it, so the run's config rebuilds from the project.
      merged.dataset = { file: projectRelative(flags.data) };
    }
    if (merged.model?.objective === "flow-matching") {
      const ddpmOnly = DDPM_ONLY_FLAGS.find(({ flag }) => (flags as Record<string, unknown>)[flag] !== undefined);
      if (ddpmOnly) throw new UsageError(`--${ddpmOnly.flag} applies to ddpm only: ${ddpmOnly.why}`);
    }
    if (teacher) merged.training = { ...merged.training, reflow: await reflowSection(teacher, flags) };
    if (flags.backend !== undefined) merged.backend = flags.backend as never;
    merged.backend ??= DEFAULT_TRAIN_BACKEND as never; // the hash keys on the engine that really trains
    let config: TrainConfig;
    try {
      config = parseTrainConfig(merged);
    } catch (error) {
      throw new UsageError(`${flags.config ? `--config ${flags.config}` : "config"}: ${(error as Error).message}`);
    }
    // A dataset file is read now, before any work: its SHA-256 goes into the config (and its hash).
    let data: DatasetFile | undefined;
    if (flags.data !== undefined) {
      data = await readDataFlag(flags.data);
      config = { ...config, dataset: { ...config.dataset, sha256: data.sha256 } };
    } else if (isFileDataset(config.dataset)) {
      const resolved = await resolveDataset(config.dataset).catch((error) => {
        throw new UsageError(`--config ${flags.config}: dataset.file ${(error as Error).message.split("\n")[0]} (--data reads a file anywhere)`);
      });
      config = { ...config, dataset: resolved.dataset };
      data = resolved.file;
    }
    await checkRunDir(flags.out!, flags.overwrite);
    const reflowPairs = teacher && config.training.reflow ? await drawTeacherPairs(teacher, config.training.reflow, flags.quiet) : undefined;
    const engine = await createTrainEngine(config);
    const stop = catchStopSignals();
    const bar = flags.quiet ? undefined : progressBar(Deno.stderr);
    try {
      await mkdir(flags.out!, { recursive: true }).catch((error) => {
        throw new UsageError(`--out ${flags.out}: cannot create the folder (${(error as Error).message.split("\n")[0].replace(/^[A-Z]+: /, "")})`);
      });
      const { result, manifest } = await runTraining({
        config,
        engine,
        runDir: flags.out!,
        overwrite: flags.overwrite,
        command: ["chisel", "train", ...Deno.args.slice(1)].join(" "),
        versions: await runtimeVersions(engine.name),
        signal: stop.signal,
        onProgress: (event: ProgressEvent) => bar?.update(event, engine.name),
        filePoints: data?.points,
        reflowPairs,
      });
      bar?.done();
      if (result.aborted) {
        const received = stop.received()!; // only a stop signal aborts training here
        console.error(`chisel: ${received}: interrupted after step ${result.step}; its checkpoint is saved in ${flags.out}`);
        Deno.exitCode = STOP_SIGNALS[received];
      }
      const last = manifest.checkpoints[manifest.checkpoints.length - 1];
      return {
        runDir: flags.out,
        status: manifest.status,
        engine: engine.name,
        configHash: await configHash(config),
        ...(data && isFileDataset(config.dataset) ? { dataset: describeData(config.dataset.file, data) } : {}),
        steps: result.step,
        seconds: result.seconds,
        finalLoss: last?.loss,
        checkpoints: manifest.checkpoints.map((c) => c.step),
      };
    } catch (error) {
      // The manifest says diverged and keeps the checkpoints saved before it: exit 1, naming where they are.
      if (error instanceof TrainingDivergedError) throw new Error(`${error.message}; ${flags.out} is marked diverged`);
      throw error;
    } finally {
      bar?.done();
      stop.remove();
      await engine.dispose();
    }
  },
});
