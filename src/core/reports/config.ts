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
 */

import { z } from "zod";
import { choiceSchema, numberSchema } from "../settingSchemas.js";
import { type SamplerName, SETTINGS, type TimestepSpacing } from "../settings.js";
import { canonicalJson } from "../hash.js";
import { describeIssue, showValue } from "../validation.js";
import {
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
const samplerSchema = z.strictObject({
  sampler: choiceSchema(SETTINGS.sampler),
  /** DDIM's η: 0 is deterministic, 1 matches DDPM's variance. */
  eta: numberSchema(SETTINGS.eta).optional(),
  spacing: choiceSchema(SETTINGS.spacing).optional(),
}, { error: OBJECT }).superRefine((s, ctx) => {
  if (s.eta !== undefined && s.sampler !== "ddim") {
    ctx.addIssue({ code: "custom", path: ["eta"], message: `is DDIM's η: ${s.sampler} takes none` });
  }
});

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
}, { error: OBJECT });

export type ReportConfigInput = z.input<typeof reportConfigSchema>;
export type SamplerSpec = { sampler: SamplerName; eta?: number; spacing?: TimestepSpacing };

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
  /** The runs the sweep expands to (one without a sweep). */
  runs: RunPlan[];
  /** The document as given: what the report's config download holds, and what `configHash` covers. */
  source: unknown;
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
    config.steps.forEach((steps, i) => {
      if (steps > train.schedule.T) {
        const which = sweep === undefined ? "" : ` of run ${index} (${runLabel(values, "")})`;
        throw new RangeError(`steps[${i}]: must be an integer from 1 to T = ${train.schedule.T}${which}, got ${steps}`);
      }
    });
    runs.push({ index, id: `run-${index}`, values, label: runLabel(values, config.title), train });
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
    runs,
    source: structuredClone(json),
  };
}
