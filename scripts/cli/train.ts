import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { MANIFEST_FILE } from "../../src/core/training/checkpoint.js";
import { configHash, isFileDataset, parseTrainConfig, type TrainConfig } from "../../src/core/training/config.js";
import type { ReflowPairs } from "../../src/core/flow/reflow.js";
import { checkStudentConfig, checkStudentObjective, drawTeacherPairs, readReflowTeacher, reflowFlags, reflowSection, teacherConfig } from "./reflowTeacher.js";
import { type ProgressEvent, TrainingDivergedError } from "../../src/core/training/train.js";
import { type Setting, SETTINGS } from "../../src/core/settings.js";
import { createTrainEngine, DEFAULT_TRAIN_BACKEND } from "../../src/engines/trainEngines.js";
import { runTraining } from "../../src/io/runStore.js";
import { runtimeVersions } from "../../src/io/versions.js";
import { defineCommand } from "./command.js";
import { type FlagSpec, settingFlag, UsageError } from "./flags.js";
import { progressBar } from "./progress.js";
import { checkFolderFlag, readJsonFile } from "./files.js";
import { catchStopSignals, STOP_SIGNALS } from "./common.js";
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
    ...reflowFlags,
    ...overrideFlags,
    backend: settingFlag(SETTINGS.trainBackend, { default: undefined, help: `training engine (default ${DEFAULT_TRAIN_BACKEND})` }),
    quiet: { type: "boolean", help: "no progress bar" },
  },
  async run(flags) {
    const teacher = await readReflowTeacher(flags, DATASET_FLAGS);
    const source = flags.config ? `--config ${flags.config}` : "config";
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
    if (teacher) {
      checkStudentObjective(merged, source);
      merged.training = { ...merged.training, reflow: reflowSection(teacher, flags, merged.training?.reflow, source) };
    }
    if (flags.backend !== undefined) merged.backend = flags.backend as never;
    merged.backend ??= DEFAULT_TRAIN_BACKEND as never; // the hash keys on the engine that really trains
    let config: TrainConfig;
    try {
      config = parseTrainConfig(merged);
    } catch (error) {
      throw new UsageError(`${source}: ${(error as Error).message}`);
    }
    if (teacher) checkStudentConfig(config, teacher, source);
    else if (config.training.reflow) throw new UsageError(`${source}: training.reflow needs --reflow-from, the teacher run whose pairs it names`);
    // A dataset file is read now, before any work: its SHA-256 goes into the config (and its hash).
    let data: DatasetFile | undefined;
    if (flags.data !== undefined) {
      data = await readDataFlag(flags.data);
      config = { ...config, dataset: { ...config.dataset, sha256: data.sha256 } };
    } else if (isFileDataset(config.dataset) && !teacher) {
      // (A student trains on its teacher's pairs: the file it names, with its SHA-256, is the teacher's.)
      const resolved = await resolveDataset(config.dataset).catch((error) => {
        throw new UsageError(`--config ${flags.config}: dataset.file ${(error as Error).message.split("\n")[0]} (--data reads a file anywhere)`);
      });
      config = { ...config, dataset: resolved.dataset };
      data = resolved.file;
    }
    await checkRunDir(flags.out!, flags.overwrite);
    const stop = catchStopSignals();
    let reflowPairs: ReflowPairs | undefined;
    if (teacher && config.training.reflow) {
      try {
        reflowPairs = await drawTeacherPairs(teacher, config.training.reflow, { quiet: flags.quiet, signal: stop.signal });
      } catch (error) {
        stop.remove();
        const received = stop.received();
        if (!received) throw error;
        // Nothing is written before the pairs are drawn: an interrupted draw leaves --out as it was.
        console.error(`chisel: ${received}: interrupted while drawing the reflow pairs; nothing was written`);
        Deno.exitCode = STOP_SIGNALS[received];
        return { runDir: flags.out, status: "interrupted" };
      }
    }
    const engine = await createTrainEngine(config);
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
