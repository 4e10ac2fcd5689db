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
import { SETTINGS } from "../settings.js";
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
const scheduleShape = sectionShape("schedule");

const hiddenError = `must list 1 to ${MAX_LAYERS} layer widths`;
const modelShape = {
  ...sectionShape("model"),
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
const trainingShape = {
  ...trainingSettings,
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
  dataset: z.strictObject(datasetShape, { error: OBJECT }).prefault({}),
  schedule: scheduleSchema.prefault({}),
  model: z.strictObject(modelShape, { error: OBJECT }).prefault({}),
  training: trainingSchema.prefault({}),
  /** The engine that trains ("fused-wasm", "tfjs-wasm", …): results differ between them. Absent: the default engine. */
  backend: choiceSchema(S.trainBackend).optional(),
}, { error: OBJECT });

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

/** The network's layer widths: [2 + embedding, …hidden, 2], as mlp.ts takes them. */
export function modelDims(model: TrainConfig["model"]): number[] {
  return [2 + model.embeddingDim, ...model.hidden, MLP_OUTPUT_DIM];
}

/**
 * SHA-256 (hex) of the fields that change the trained weights. Left out: which steps are checkpointed
 * and how often the loss is logged (the trajectory is the same), and β for the cosine schedule (unused).
 * The backend stays in, since engines round differently.
 */
export function configHash(config: TrainConfig): Promise<string> {
  const { checkpoints: _checkpoints, logEvery: _logEvery, ...training } = config.training;
  const { betaStart, betaEnd, ...schedule } = config.schedule;
  const keyed = {
    algorithm: TRAINING_ALGORITHM_VERSION,
    dataset: config.dataset,
    schedule: schedule.kind === "cosine" ? schedule : { ...schedule, betaStart, betaEnd },
    model: config.model,
    training,
    backend: config.backend ?? null,
  };
  return sha256Hex(new TextEncoder().encode(canonicalJson(keyed)));
}
