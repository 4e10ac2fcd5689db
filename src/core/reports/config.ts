/**
 * The report config: a named experiment (a training config, optionally swept over some of its fields,
 * and the samplers, step counts and seeds to evaluate it with) that `chisel report` turns into a page.
 *
 * One zod schema validates the document (strict: unknown keys are errors) and fills the defaults; the
 * sweep is then expanded into its runs, each run's training config re-parsed with parseTrainConfig, so a
 * swept value is held to exactly the rules of the field it replaces. Every problem is one RangeError
 * line that names its JSON path, like the training config's.
 *
 * The name becomes a directory and a URL (data/reports/NAME/, /reports/NAME): a slug of [a-z0-9-], so
 * no config can name a path outside the reports folder.
 *
 * A report may hold DDPM and flow-matching runs (model.objective, swept or not). `samplers` lists the
 * samplers of either kind, and each run is sampled with those that fit its objective (samplersForRun):
 * DDPM, DDIM and DPM-Solver++ for a DDPM run, Euler and Heun for a flow-matching one. Every run must
 * have at least one, and every sampler listed must run at least one run, so nothing listed is silently
 * skipped. Step counts are shared: a DDPM run takes each from 1 to its T, a flow-matching run any count
 * the steps setting allows (its grid is t = 1, 1 − 1/N, …, 0, with no schedule to bound it).
 */

import { z } from "zod";
import { choiceSchema, numberSchema } from "../settingSchemas.js";
import {
  FLOW_SAMPLER_NAMES,
  type FlowSamplerName,
  integer,
  type Objective,
  SAMPLER_NAMES,
  type SamplerName,
  SETTINGS,
  type TimestepSpacing,
} from "../settings.js";
import { canonicalJson } from "../hash.js";
import { describeIssue, showValue } from "../validation.js";
import {
  objectiveOf,
  parseTrainConfig,
  type TrainConfig,
  trainConfigSchema,
} from "../training/config.js";

export const REPORT_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const MAX_NAME_LENGTH = 64;
/** Names taken by the site's own pages under /reports/. */
export const RESERVED_NAMES: readonly string[] = ["index"];
/** Runs one report may train: a sweep is a small cartesian product. */
export const MAX_RUNS = 32;
export const MAX_SAMPLERS = 6;
export const MAX_STEP_COUNTS = 8;
export const MAX_SEEDS = 10;
export const MIN_SAMPLES = 10;
export const MAX_SAMPLES = 20_000;
/** A sweep key: a dotted path of field names into the training config, e.g. "schedule.betaEnd". */
const SWEEP_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

const OBJECT = "must be an object";

/** How many shards a publish splits a report's build into: the config's `shards`, and the planner's --shards. */
export const SHARDS_SETTING = integer({
  path: "shards", flag: "shards", label: "Shards", help: "shards of the report's build (at most one per run)", min: 1, max: MAX_RUNS,
});

/** A list of 1…max distinct entries (compared as canonical JSON). */
function distinctList<T extends z.ZodType>(item: T, max: number, what: string) {
  const error = `must list 1 to ${max} ${what}`;
  return z.array(item, { error }).min(1, { error }).max(max, { error }).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      const key = canonicalJson(entry);
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i], message: "repeats an earlier entry" });
      seen.add(key);
    });
  });
}

const nameError = `must be a slug of 1 to ${MAX_NAME_LENGTH} characters a-z, 0-9 and "-", starting with a letter or digit`;
/** Every sampler a report can name: DDPM's and flow matching's. */
const REPORT_SAMPLERS = [...SAMPLER_NAMES, ...FLOW_SAMPLER_NAMES] as const;
const samplerSchema = z.strictObject({
  sampler: z.enum(REPORT_SAMPLERS, { error: `must be one of ${REPORT_SAMPLERS.join(", ")}` }),
  /** DDIM's η: 0 is deterministic, 1 matches DDPM's variance. */
  eta: numberSchema(SETTINGS.eta).optional(),
  spacing: choiceSchema(SETTINGS.spacing).optional(),
}, { error: OBJECT }).superRefine((s, ctx) => {
  if (s.eta !== undefined && s.sampler !== "ddim") {
    ctx.addIssue({ code: "custom", path: ["eta"], message: `is DDIM's η: ${s.sampler} takes none` });
  }
  if (s.spacing !== undefined && isFlowSampler(s.sampler)) {
    ctx.addIssue({ code: "custom", path: ["spacing"], message: `lays out a DDPM grid: ${s.sampler} steps evenly in t` });
  }
});

function isFlowSampler(name: string): name is FlowSamplerName {
  return (FLOW_SAMPLER_NAMES as readonly string[]).includes(name);
}

export const reportConfigSchema = z.strictObject({
  name: z.string({ error: nameError }).max(MAX_NAME_LENGTH, { error: nameError }).regex(REPORT_NAME, { error: nameError })
    .refine((name) => !RESERVED_NAMES.includes(name), { error: `must not be ${RESERVED_NAMES.join(" or ")} (a page of the site)` }),
  title: z.string({ error: "must be a string of 1 to 120 characters" }).min(1, { error: "must be a string of 1 to 120 characters" })
    .max(120, { error: "must be a string of 1 to 120 characters" }),
  description: z.string({ error: "must be a string of at most 2000 characters" })
    .max(2000, { error: "must be a string of at most 2000 characters" }).optional(),
  /** A training config; what it leaves out takes parseTrainConfig's defaults. */
  train: trainConfigSchema.prefault({}),
  /** Values to try for some fields of `train`, by dotted path: every combination is one run. */
  sweep: z.record(z.string(), distinctList(z.unknown(), MAX_RUNS, `values`), {
    error: 'must map dotted paths into train (like "schedule.betaEnd") to lists of values',
  }).optional(),
  samplers: distinctList(samplerSchema, MAX_SAMPLERS, "samplers")
    .default([{ sampler: "ddpm" }, { sampler: "ddim" }, { sampler: "dpm-solver++" }]),
  /** Sampling step counts, each from 1 to the schedule's T. */
  steps: distinctList(numberSchema(SETTINGS.samplingSteps), MAX_STEP_COUNTS, "step counts").default([10, 50, 1000]),
  seeds: distinctList(numberSchema(SETTINGS.samplingSeed), MAX_SEEDS, "seeds").default([0, 1, 2]),
  /** Samples per sampler × steps × seed. */
  n: numberSchema(SETTINGS.sampleCount, { min: MIN_SAMPLES, max: MAX_SAMPLES }).default(SETTINGS.sampleCount.default),
  /**
   * Shards a publish splits the build into (scripts/publish-plan.ts), at most one per run. How a build is
   * split does not change what it publishes, so the report's hash leaves it out.
   */
  shards: numberSchema(SHARDS_SETTING).optional(),
}, { error: OBJECT });

export type ReportConfigInput = z.input<typeof reportConfigSchema>;
export type SamplerSpec = { sampler: SamplerName | FlowSamplerName; eta?: number; spacing?: TimestepSpacing };

/** One training run of a report: the base config with one combination of the sweep's values. */
export interface RunPlan {
  /** 0, 1, … in the sweep's order (the last path varies fastest). */
  index: number;
  /** "run-0", "run-1", …: its folder in the report. */
  id: string;
  /** The swept values of this run, by dotted path (empty without a sweep). */
  values: Record<string, unknown>;
  /** "betaEnd = 0.01, kind = cosine", or the report's title for a single run. */
  label: string;
  train: TrainConfig;
}

export interface ReportConfig {
  name: string;
  title: string;
  description?: string;
  /** The base training config, defaults filled. */
  train: TrainConfig;
  sweep?: Record<string, unknown[]>;
  samplers: SamplerSpec[];
  steps: number[];
  seeds: number[];
  n: number;
  /** Shards a publish splits the build into, when the config says (1 … the run count). */
  shards?: number;
  /** The runs the sweep expands to (one without a sweep). */
  runs: RunPlan[];
  /** The document as given: what the report's config download holds, and what `configHash` covers. */
  source: unknown;
}

/** The samplers of `samplers` that run a model trained for `objective`, in the config's order. */
export function samplersForRun(samplers: readonly SamplerSpec[], objective: Objective): SamplerSpec[] {
  return samplers.filter((spec) => isFlowSampler(spec.sampler) === (objective === "flow-matching"));
}

/** `sweep["schedule.betaEnd"][2]`: sweep keys hold dots, so they are quoted. */
function sweepPath(key: string, i?: number): string {
  return `sweep[${JSON.stringify(key)}]${i === undefined ? "" : `[${i}]`}`;
}

/** A copy of `train` with `value` at the dotted `path`, or a message when the path crosses a non-object. */
function withValue(train: unknown, path: string, value: unknown): Record<string, unknown> | string {
  const root = structuredClone(train ?? {}) as Record<string, unknown>;
  const keys = path.split(".");
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key] ?? {};
    if (next === null || typeof next !== "object" || Array.isArray(next)) return `train.${key} is not an object`;
    node = node[key] = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = structuredClone(value);
  return root;
}

/** Every combination of the sweep's values, the last key varying fastest. */
function combinations(sweep: Record<string, unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(sweep)) {
    out = out.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value })));
  }
  return out;
}

function runLabel(values: Record<string, unknown>, title: string): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return title;
  return entries.map(([key, value]) => `${key.split(".").pop()} = ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}

/**
 * Validates a report config document, fills its defaults and expands its sweep; throws a one-line
 * RangeError naming the JSON path of the first problem.
 */
export function parseReportConfig(json: unknown): ReportConfig {
  const result = reportConfigSchema.safeParse(json);
  if (!result.success) {
    const [issue] = result.error.issues;
    const [root, key, i] = issue.path;
    if (root === "sweep" && typeof key === "string") {
      const value = (json as { sweep: Record<string, unknown[]> }).sweep[key];
      const where = sweepPath(key, typeof i === "number" ? i : undefined);
      throw new RangeError(`${where}: ${issue.message}, got ${showValue(typeof i === "number" ? value[i] : value)}`);
    }
    throw new RangeError(describeIssue(result.error, json, reportConfigSchema, "config"));
  }
  const config = result.data;
  const trainInput = (json as { train?: unknown }).train ?? {};
  const sweep = config.sweep;
  // Before the sweep's own checks, which would first ask a swept reflow setting for its teacher.
  const reflowPath = config.train.training.reflow !== undefined
    ? "train.training.reflow"
    : Object.keys(sweep ?? {}).find((key) => key === "training.reflow" || key.startsWith("training.reflow."));
  if (reflowPath !== undefined) {
    const where = reflowPath.startsWith("train.") ? reflowPath : sweepPath(reflowPath);
    throw new RangeError(`${where}: a report trains from configs alone and cannot draw a teacher's pairs: train the reflow run with chisel train --reflow-from`);
  }
  if (sweep !== undefined) {
    const keys = Object.keys(sweep);
    if (keys.length === 0) throw new RangeError(`sweep: must name at least one field of train, got {}`);
    for (const key of keys) {
      if (!SWEEP_PATH.test(key)) {
        throw new RangeError(`${sweepPath(key)}: must be a dotted path into train, like "schedule.betaEnd"`);
      }
    }
    const count = keys.reduce((product, key) => product * sweep[key].length, 1);
    if (count > MAX_RUNS) {
      throw new RangeError(`sweep: makes ${count} runs (${keys.map((k) => sweep[k].length).join(" × ")}), at most ${MAX_RUNS}`);
    }
    // Each value alone on the base config first, so a bad value is named even if other keys would also fail.
    for (const key of keys) {
      sweep[key].forEach((value, i) => {
        const where = `${sweepPath(key, i)} = ${showValue(value)}`;
        const merged = withValue(trainInput, key, value);
        if (typeof merged === "string") throw new RangeError(`${sweepPath(key)}: ${merged}`);
        try {
          parseTrainConfig(merged);
        } catch (error) {
          throw new RangeError(`${where} makes train invalid: train.${(error as Error).message}`);
        }
      });
    }
  }
  const runs: RunPlan[] = [];
  const seen = new Map<string, number>();
  for (const values of sweep === undefined ? [{}] : combinations(sweep)) {
    let merged: unknown = trainInput;
    for (const [key, value] of Object.entries(values)) merged = withValue(merged, key, value);
    const index = runs.length;
    let train: TrainConfig;
    try {
      train = parseTrainConfig(merged);
    } catch (error) {
      throw new RangeError(`sweep: run ${index} (${runLabel(values, "")}) makes train invalid: train.${(error as Error).message}`);
    }
    const key = canonicalJson(train);
    if (seen.has(key)) throw new RangeError(`sweep: runs ${seen.get(key)} and ${index} train the same config`);
    seen.set(key, index);
    const objective = objectiveOf(train.model);
    if (samplersForRun(config.samplers, objective).length === 0) {
      const which = sweep === undefined ? "the run" : `run ${index} (${runLabel(values, "")})`;
      const fitting = objective === "flow-matching" ? FLOW_SAMPLER_NAMES : SAMPLER_NAMES;
      throw new RangeError(`samplers: ${which} trains ${objective}, which none of them runs: add one of ${fitting.join(", ")}`);
    }
    // A flow-matching run has no schedule: its step counts are bounded by the setting alone.
    config.steps.forEach((steps, i) => {
      if (objective === "ddpm" && steps > train.schedule.T) {
        const which = sweep === undefined ? "" : ` of run ${index} (${runLabel(values, "")})`;
        throw new RangeError(`steps[${i}]: must be an integer from 1 to T = ${train.schedule.T}${which}, got ${steps}`);
      }
    });
    runs.push({ index, id: `run-${index}`, values, label: runLabel(values, config.title), train });
  }
  config.samplers.forEach((spec, i) => {
    const kind = isFlowSampler(spec.sampler) ? "flow-matching" : "ddpm";
    if (!runs.some((run) => objectiveOf(run.train.model) === kind)) {
      throw new RangeError(`samplers[${i}]: ${spec.sampler} runs ${kind} models, and no run of this report trains ${kind}`);
    }
  });
  if (config.shards !== undefined && config.shards > runs.length) {
    throw new RangeError(`shards: must be an integer from 1 to ${runs.length} (one shard per run at most), got ${config.shards}`);
  }
  return {
    name: config.name,
    title: config.title,
    ...(config.description === undefined ? {} : { description: config.description }),
    train: config.train,
    ...(sweep === undefined ? {} : { sweep }),
    samplers: config.samplers,
    steps: config.steps,
    seeds: config.seeds,
    n: config.n,
    ...(config.shards === undefined ? {} : { shards: config.shards }),
    runs,
    source: structuredClone(json),
  };
}
