/**
 * The training config: what to train on, with which schedule and network, and how. One zod schema
 * validates a JSON document (strict: unknown keys are errors), fills every default, and reports the
 * first problem as a one-line RangeError that names its JSON path and the allowed range.
 *
 * configHash keys a cache of trained runs: SHA-256 of the canonical JSON (sorted keys) of exactly the
 * fields that change the trained weights.
 */

import { z } from "zod";
import { EMBEDDING_DIM } from "../embedding.js";
import { canonicalJson, sha256Hex } from "../hash.js";
import { MLP_OUTPUT_DIM } from "../mlp.js";
import { choiceSchema, numberSchema, sectionShape } from "../settingSchemas.js";
import { type Objective, SETTINGS, settingAt } from "../settings.js";
import { USER_DATA_VERSION } from "../userData.js";
import { describeIssue } from "../validation.js";

export const MAX_LAYERS = 8;
/** Checkpoint steps used when the config names none; clipped to the run's length, which is always added. */
export const DEFAULT_CHECKPOINTS: readonly number[] = [0, 250, 500, 1000, 2000, 5000, 10000];
/** About this many loss-history entries per run when logEvery is not given. */
const DEFAULT_LOG_ENTRIES = 1000;
/**
 * Bumped whenever the training loop changes what it computes for the same config (batch stream,
 * EMA, learning-rate schedule), so cached runs from an older loop stop matching.
 */
export const TRAINING_ALGORITHM_VERSION = 1;

const OBJECT = "must be an object";
const S = SETTINGS;

// Every scalar setting of a section comes from the registry (core/settings.ts) with its default; the
// lists and fixed values a section has besides are written here.
const datasetShape = sectionShape("dataset");

const SHA256_HEX = /^[0-9a-f]{64}$/;
const fileError = "must be the path of a CSV or JSON points file (1 to 1000 characters)";
/** Keys a built-in dataset takes that a file dataset must leave out: the file brings its own points. */
const BUILT_IN_KEYS = ["name", "n", "seed", "noise"] as const;
const datasetSchema = z.strictObject({
  ...datasetShape,
  /**
   * A points file in place of a built-in set (userData.ts reads and normalises it): a path relative to
   * the project root, read by io/datasetFile.ts, which fills in sha256. The path is a label: the config
   * hash keys on the content.
   */
  file: z.string({ error: fileError }).min(1, { error: fileError }).max(1000, { error: fileError }).optional(),
  /** The file's SHA-256 (lowercase hex): filled in when the file is read; when given, the file must still match it. */
  sha256: z.string({ error: "must be 64 lowercase hex digits" }).regex(SHA256_HEX, { error: "must be 64 lowercase hex digits" }).optional(),
}, { error: OBJECT }).superRefine((d, ctx) => {
  if (d.file === undefined) {
    if (d.sha256 !== undefined) ctx.addIssue({ code: "custom", path: ["sha256"], message: "is the SHA-256 of dataset.file, which is not given" });
    return;
  }
  // The parsed config holds the registry's defaults for these (a manifest's config holds them too), so
  // only a value a user changed can be told apart: any such value is refused, never silently ignored.
  for (const key of BUILT_IN_KEYS) {
    const setting = settingAt(`dataset.${key}`);
    if (d[key] !== undefined && d[key] !== setting?.default) {
      ctx.addIssue({ code: "custom", path: [key], message: `cannot be set with dataset.file, which brings its own points` });
    }
  }
});

/** Whether a config trains on a points file rather than a built-in set. */
export function isFileDataset<D extends { file?: string }>(dataset: D): dataset is D & { file: string } {
  return dataset.file !== undefined;
}

const scheduleShape = sectionShape("schedule");

const hiddenError = `must list 1 to ${MAX_LAYERS} layer widths`;
const modelShape = {
  ...sectionShape("model"),
  // DDPM when none is named, and then left out of the parsed config: manifests, report configs and
  // their hashes keep the bytes they had before flow matching existed. Read it with objectiveOf.
  objective: choiceSchema(S.objective).optional()
    .transform((objective): "flow-matching" | undefined => (objective === "flow-matching" ? objective : undefined)),
  hidden: z.array(numberSchema(S.layerWidth), { error: hiddenError })
    .min(1, { error: hiddenError })
    .max(MAX_LAYERS, { error: hiddenError })
    .default([128, 128, 128]),
  // The network input is [x, y, e(t)] with the 32-wide embedding of embedding.ts: no other width exists.
  embeddingDim: z.literal(EMBEDDING_DIM, { error: `must be ${EMBEDDING_DIM}` }).default(EMBEDDING_DIM),
};

const checkpointsError = "must be a list of integers";
// Batch, learning rate, decay, warm-up and EMA default to the measured best for 10,000 steps on the
// spiral (README, "Training"): batch 256 at a constant 1e-3 leaves the network underfitted.
const { logEvery, ...trainingSettings } = sectionShape("training");
const teacherError = "must be the config hash of the teacher run (64 lowercase hex digits)";
/**
 * Reflow (Liu et al. 2022): train on pairs (x_T, sample) that a flow-matching teacher drew with its
 * sampler, instead of on independent (data, noise) pairs, so the learned paths straighten. The pairs
 * come from the teacher's run (flow/reflow.ts), which a shell opens: the config names it by its hash.
 */
const reflowSchema = z.strictObject({
  teacher: z.string({ error: teacherError }).regex(/^[0-9a-f]{64}$/, { error: teacherError }),
  pairs: numberSchema(S.reflowPairs).default(S.reflowPairs.default),
  steps: numberSchema(S.reflowSteps).default(S.reflowSteps.default),
  sampler: choiceSchema(S.reflowSampler).default(S.reflowSampler.default),
  seed: numberSchema(S.reflowSeed).default(S.reflowSeed.default),
}, { error: OBJECT });
export type ReflowConfig = z.output<typeof reflowSchema>;

const trainingShape = {
  ...trainingSettings,
  reflow: reflowSchema.optional(),
  /** Steps at which to save the weights: sorted, unique, within [0, steps]; the last step is always added. */
  checkpoints: z.array(numberSchema(S.checkpointStep), { error: checkpointsError }).optional(),
  logEvery,
};

const scheduleSchema = z.strictObject(scheduleShape, { error: OBJECT }).superRefine((s, ctx) => {
  // Cosine fixes its own β; every other kind needs β to grow over the steps.
  if (s.kind !== "cosine" && !(s.betaEnd > s.betaStart)) {
    ctx.addIssue({ code: "custom", path: ["betaEnd"], message: `must be greater than betaStart (${s.betaStart})` });
  }
});

/** Warm-up as a share of the run: 500 of the default 10,000 steps. */
const DEFAULT_WARMUP_FRACTION = 0.05;

const trainingSchema = z.strictObject(trainingShape, { error: OBJECT })
  .superRefine((t, ctx) => {
    const within = `must be an integer in [0, steps = ${t.steps}]`;
    t.checkpoints?.forEach((step, i, list) => {
      if (step > t.steps) ctx.addIssue({ code: "custom", path: ["checkpoints", i], message: within });
      else if (i > 0 && step <= list[i - 1]) {
        ctx.addIssue({
          code: "custom",
          path: ["checkpoints", i],
          message: `must be sorted and unique (greater than ${list[i - 1]})`,
        });
      }
    });
    if (t.warmup !== undefined && t.warmup > t.steps) {
      ctx.addIssue({ code: "custom", path: ["warmup"], message: `must be an integer in [0, steps = ${t.steps}]` });
    }
    if (t.logEvery !== undefined && t.logEvery > t.steps) {
      ctx.addIssue({ code: "custom", path: ["logEvery"], message: `must be an integer in [1, steps = ${t.steps}]` });
    }
  })
  .transform((t) => {
    const chosen = t.checkpoints ?? DEFAULT_CHECKPOINTS.filter((step) => step < t.steps);
    const checkpoints = chosen[chosen.length - 1] === t.steps ? [...chosen] : [...chosen, t.steps];
    return {
      ...t,
      warmup: t.warmup ?? Math.round(t.steps * DEFAULT_WARMUP_FRACTION),
      checkpoints,
      logEvery: t.logEvery ?? Math.ceil(t.steps / DEFAULT_LOG_ENTRIES),
    };
  });

export const trainConfigSchema = z.strictObject({
  dataset: datasetSchema.prefault({}),
  schedule: scheduleSchema.prefault({}),
  model: z.strictObject(modelShape, { error: OBJECT }).prefault({}),
  training: trainingSchema.prefault({}),
  /** The engine that trains ("fused-wasm", "tfjs-wasm", …): results differ between them. Absent: the default engine. */
  backend: choiceSchema(S.trainBackend).optional(),
}, { error: OBJECT }).superRefine((config, ctx) => {
  // Flow matching trains the velocity on its own path (flow/path.ts): DDPM's schedule and prediction
  // choices would be ignored, so anything but their defaults is refused rather than dropped.
  if (config.model.objective !== "flow-matching") {
    if (config.training.reflow !== undefined) {
      ctx.addIssue({ code: "custom", path: ["training", "reflow"], message: "applies to flow matching only: set model.objective to flow-matching" });
    }
    return;
  }
  if (config.model.parameterization !== S.parameterization.default) {
    ctx.addIssue({ code: "custom", path: ["model", "parameterization"], message: "applies to ddpm only: a flow-matching network predicts the velocity ε − x₀, so leave it out" });
  }
  const { kind, T, betaStart, betaEnd } = config.schedule;
  if (kind !== S.scheduleKind.default || T !== S.T.default || betaStart !== S.betaStart.default || betaEnd !== S.betaEnd.default) {
    ctx.addIssue({ code: "custom", path: ["schedule"], message: "applies to ddpm only: flow matching has no noise schedule, so leave it out" });
  }
});

/** A validated config with every default filled (checkpoints and logEvery included). */
export type TrainConfig = z.output<typeof trainConfigSchema>;
/** What a user may write: any field may be left out. */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Validates a config document and fills its defaults; throws a one-line RangeError on the first problem. */
export function parseTrainConfig(json: unknown): TrainConfig {
  const result = trainConfigSchema.safeParse(json);
  if (!result.success) throw new RangeError(describeIssue(result.error, json, trainConfigSchema, "config"));
  return result.data;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = parseTrainConfig({});

/** The objective a model trains for: DDPM unless the config names flow matching. */
export function objectiveOf(model: { objective?: Objective }): Objective {
  return model.objective ?? "ddpm";
}

/** The network's layer widths: [2 + embedding, …hidden, 2], as mlp.ts takes them. */
export function modelDims(model: TrainConfig["model"]): number[] {
  return [2 + model.embeddingDim, ...model.hidden, MLP_OUTPUT_DIM];
}

/**
 * What the hash keys on for the dataset: a built-in set's settings as they are (so the hashes of cached
 * runs and published reports stay), a file's content (its SHA-256, with the version of the rules that
 * read it) and not its path, so moving the file keeps the hash and changing one digit changes it.
 */
function datasetKey(dataset: TrainConfig["dataset"]): unknown {
  if (!isFileDataset(dataset)) return dataset;
  if (dataset.sha256 === undefined) {
    throw new RangeError(`dataset.file ${dataset.file}: its SHA-256 is not filled in yet: read the file first (io/datasetFile.ts)`);
  }
  return { sha256: dataset.sha256, userData: USER_DATA_VERSION };
}

/**
 * SHA-256 (hex) of the fields that change the trained weights. Left out: which steps are checkpointed
 * and how often the loss is logged (the trajectory is the same), and β for the cosine schedule (unused).
 * The backend stays in, since engines round differently.
 */
export async function configHash(config: TrainConfig): Promise<string> {
  const { checkpoints: _checkpoints, logEvery: _logEvery, ...training } = config.training;
  const { betaStart, betaEnd, ...schedule } = config.schedule;
  const keyed = {
    algorithm: TRAINING_ALGORITHM_VERSION,
    dataset: datasetKey(config.dataset),
    schedule: schedule.kind === "cosine" ? schedule : { ...schedule, betaStart, betaEnd },
    // No objective key for DDPM (see modelShape): every DDPM config keeps the hash it had before.
    model: config.model,
    training,
    backend: config.backend ?? null,
  };
  return sha256Hex(new TextEncoder().encode(canonicalJson(keyed)));
}
