/**
 * Every user-facing setting, once: its type, allowed range or choices, default, label, unit and where
 * it sits in a JSON config. The config schemas (training and report configs), the CLI's flags with
 * their help and one-line errors, the pages' URL parameters and controls, and the report tables'
 * labels are all derived from these entries, so a range is written here and nowhere else.
 *
 * This module is a leaf of the import graph: the lists of names (schedule kinds, samplers, …) are
 * defined here, and the modules that implement them import the lists.
 *
 * Adding a setting: add an entry to SETTINGS (and its name list, for a choice), then read the value
 * where it is used. The schemas, flags, URL fields and labels follow from the entry.
 */

// ── Name lists ────────────────────────────────────────────────────────────────────────────────────

export const DATASET_NAMES = ["spiral", "blob", "moons", "gaussians8", "ring", "checkerboard"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export const SCHEDULE_KINDS = ["linear", "quadratic", "cosine", "sigmoid"] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const PARAMETERIZATIONS = ["eps", "x0", "v"] as const;
export type Parameterization = (typeof PARAMETERIZATIONS)[number];

export const LR_SCHEDULES = ["constant", "cosine"] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

/** What the network is trained to do: denoise (Ho et al. 2020) or follow a flow (Lipman et al. 2022). */
export const OBJECTIVES = ["ddpm", "flow-matching"] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** The samplers of a DDPM model (the reverse process). */
export const SAMPLER_NAMES = ["ddpm", "ddim", "dpm-solver++"] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** The samplers of a flow-matching model (ODE solvers of its velocity field). */
export const FLOW_SAMPLER_NAMES = ["euler", "heun"] as const;
export type FlowSamplerName = (typeof FLOW_SAMPLER_NAMES)[number];

/** DDPM's reverse-step variance: the forward β_t (upper bound) or the posterior β̃_t (lower bound). */
export const DDPM_VARIANCES = ["betaTilde", "beta"] as const;
export type DdpmVariance = (typeof DDPM_VARIANCES)[number];

export const TIMESTEP_SPACINGS = ["trailing", "logsnr"] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

/** The engines that train (engines/trainEngines.ts implements each): results differ between them. */
export const TRAIN_BACKENDS = [
  "fused-wasm",
  "fused-wasm-2threads",
  "fused-js",
  "tfjs",
  "tfjs-wasm",
  "tfjs-cpu",
  "tfjs-webgl",
  "tfjs-webgpu",
] as const;
export type TrainBackend = (typeof TRAIN_BACKENDS)[number];

// ── Entry types ───────────────────────────────────────────────────────────────────────────────────

interface Base {
  /** Where the value sits in its JSON config ("schedule.betaEnd"), or its name where no config holds it. */
  path: string;
  /** A short label for controls and tables ("β end"). */
  label: string;
  /** One line of help for the CLI and tooltips. */
  help: string;
  /** The CLI flag, without the dashes ("beta-end"). */
  flag: string;
  /** The unit, where the value has one. */
  unit?: string;
}

export interface IntegerSetting extends Base {
  type: "integer";
  min: number;
  max: number;
  default?: number;
}

export interface NumberSetting extends Base {
  type: "number";
  min: number;
  /** Infinity where there is no upper bound. */
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** A value allowed outside [min, max] that switches the feature off (EMA's 0). */
  off?: number;
  default?: number;
  /** The range a slider spans when the allowed range is open or too wide to drag through. */
  slider?: { min: number; max: number; log?: boolean };
}

export interface ChoiceSetting<C extends string = string> extends Base {
  type: "choice";
  choices: readonly C[];
  /** How each choice reads in a menu or a table. */
  labels: Readonly<Record<C, string>>;
  default: C;
}

export type Setting = IntegerSetting | NumberSetting | ChoiceSetting;

// ── The registry ──────────────────────────────────────────────────────────────────────────────────

/** Seeds are unsigned 32-bit integers: the generator of random.ts takes any of them. */
export const MAX_SEED = 2 ** 32 - 1;
/** The longest schedule: ᾱ is still representable at T = 100,000 (see ALPHA_BAR_FLOOR). */
export const MAX_T = 100_000;
/** The most points a dataset, a points file or one sampling call holds. */
export const MAX_POINTS = 100_000;
export const MAX_TRAINING_STEPS = 1_000_000;

// Each entry keeps its literal types (a choice's names, whether it has a default), checked against its kind.
// A shell's own option that no config holds (the CLI's --parallel) is made with the same constructors.
const choice = <C extends string, const E extends Omit<ChoiceSetting<C>, "type">>(entry: E & Omit<ChoiceSetting<C>, "type">) =>
  ({ type: "choice" as const, ...entry });
export const integer = <const E extends Omit<IntegerSetting, "type">>(entry: E) => ({ type: "integer" as const, ...entry });
const number = <const E extends Omit<NumberSetting, "type">>(entry: E) => ({ type: "number" as const, ...entry });
/** β is a variance per step: strictly between 0 and 1; sliders span six decades on a log scale. */
const beta = { min: 0, max: 1, minExclusive: true, maxExclusive: true, slider: { min: 1e-6, max: 0.99, log: true } };

export const SETTINGS = {
  // The data.
  datasetName: choice({
    path: "dataset.name", flag: "dataset", label: "Dataset", help: "the 2D dataset", choices: DATASET_NAMES, default: "spiral",
    labels: { spiral: "spiral", blob: "Gaussian blob", moons: "two moons", gaussians8: "eight Gaussians", ring: "ring", checkerboard: "checkerboard" },
  }),
  datasetN: integer({ path: "dataset.n", flag: "dataset-n", label: "Training points", help: "points drawn from the dataset", min: 1, max: MAX_POINTS, default: 2048 }),
  datasetSeed: integer({ path: "dataset.seed", flag: "dataset-seed", label: "Dataset seed", help: "seed of the dataset's draw", min: 0, max: MAX_SEED, default: 0 }),
  // At most the shapes' own half-width (they lie in about [−1.5, 1.5]², datasets.ts): more jitter hides
  // the shape, and data that wide is no longer the unit-scale data the noise schedules are set for.
  datasetNoise: number({ path: "dataset.noise", flag: "noise", label: "Jitter", help: "std of the Gaussian jitter around the shape (the dataset's own when absent)", min: 0, max: 1.5 }),

  // The noise schedule.
  scheduleKind: choice({
    path: "schedule.kind", flag: "schedule", label: "Schedule", help: "noise schedule kind", choices: SCHEDULE_KINDS, default: "linear",
    labels: { linear: "linear", quadratic: "quadratic", cosine: "cosine", sigmoid: "sigmoid" },
  }),
  T: integer({ path: "schedule.T", flag: "T", label: "Diffusion steps T", help: "number of diffusion steps", min: 1, max: MAX_T, default: 1000 }),
  betaStart: number({ path: "schedule.betaStart", flag: "beta-start", label: "β start", help: "β at t = 1 (ignored by cosine)", ...beta, default: 1e-4 }),
  betaEnd: number({ path: "schedule.betaEnd", flag: "beta-end", label: "β end", help: "β at t = T, greater than β start (ignored by cosine)", ...beta, default: 0.02 }),

  // The network.
  parameterization: choice({
    path: "model.parameterization", flag: "parameterization", label: "Prediction", help: "what the network predicts", choices: PARAMETERIZATIONS, default: "eps",
    labels: { eps: "noise ε", x0: "data x₀", v: "velocity v" },
  }),
  objective: choice({
    path: "model.objective", flag: "objective", label: "Objective", help: "training objective: DDPM's noise prediction or flow matching's velocity", choices: OBJECTIVES, default: "ddpm",
    labels: { ddpm: "DDPM", "flow-matching": "flow matching" },
  }),
  layerWidth: integer({ path: "model.hidden[]", flag: "hidden", label: "Layer width", help: "units in a hidden layer", min: 1, max: 1024 }),

  // Training.
  trainingSteps: integer({ path: "training.steps", flag: "steps", label: "Training steps", help: "optimizer steps", min: 1, max: MAX_TRAINING_STEPS, default: 10_000 }),
  batch: integer({ path: "training.batch", flag: "batch", label: "Batch size", help: "points per optimizer step", min: 1, max: 65_536, default: 1024 }),
  lr: number({ path: "training.lr", flag: "lr", label: "Learning rate", help: "Adam's learning rate", min: 0, max: 1, minExclusive: true, default: 0.01 }),
  lrSchedule: choice({
    path: "training.lrSchedule", flag: "lr-schedule", label: "LR schedule", help: "learning-rate decay after the warm-up", choices: LR_SCHEDULES, default: "cosine",
    labels: { constant: "constant", cosine: "cosine decay" },
  }),
  warmup: integer({ path: "training.warmup", flag: "warmup", label: "Warm-up steps", help: "steps of linear warm-up (default 5% of the steps)", min: 0, max: MAX_TRAINING_STEPS }),
  ema: number({ path: "training.ema", flag: "ema", label: "EMA decay", help: "decay of the weights' moving average that checkpoints store", min: 0.9, max: 1, maxExclusive: true, off: 0, default: 0.999 }),
  trainingSeed: integer({ path: "training.seed", flag: "seed", label: "Seed", help: "seed of initialisation and batches", min: 0, max: MAX_SEED, default: 0 }),
  checkpointStep: integer({ path: "training.checkpoints[]", flag: "step", label: "Checkpoint step", help: "a training step whose weights are saved", min: 0, max: MAX_TRAINING_STEPS }),
  // Reflow (Liu et al. 2022): a flow-matching run trained on pairs (x_T, sample) drawn from a teacher run.
  reflowPairs: integer({ path: "training.reflow.pairs", flag: "reflow-pairs", label: "Reflow pairs", help: "pairs (x_T, sample) drawn from the teacher", min: 1, max: MAX_POINTS, default: 20_000 }),
  reflowSteps: integer({ path: "training.reflow.steps", flag: "reflow-steps", label: "Reflow sampling steps", help: "steps of the teacher's sampler per pair", min: 1, max: 1000, default: 100 }),
  reflowSampler: choice({
    path: "training.reflow.sampler", flag: "reflow-sampler", label: "Reflow sampler", help: "the teacher's sampler for the pairs", choices: FLOW_SAMPLER_NAMES, default: "heun",
    labels: { euler: "Euler", heun: "Heun" },
  }),
  reflowSeed: integer({ path: "training.reflow.seed", flag: "reflow-seed", label: "Reflow seed", help: "seed of the pairs' x_T", min: 0, max: MAX_SEED, default: 0 }),
  logEvery: integer({ path: "training.logEvery", flag: "log-every", label: "Log every", help: "steps per loss-history entry", min: 1, max: MAX_TRAINING_STEPS }),
  trainBackend: choice({
    path: "backend", flag: "backend", label: "Training engine", help: "the engine that trains", choices: TRAIN_BACKENDS, default: "fused-wasm",
    labels: {
      "fused-wasm": "fused WebAssembly SIMD kernel",
      "fused-wasm-2threads": "fused WebAssembly SIMD kernel, two threads",
      "fused-js": "fused kernel in plain TypeScript",
      tfjs: "tfjs on the first backend that starts",
      "tfjs-wasm": "tfjs on wasm",
      "tfjs-cpu": "tfjs on CPU",
      "tfjs-webgl": "tfjs on WebGL",
      "tfjs-webgpu": "tfjs on WebGPU",
    },
  }),

  // Sampling.
  sampler: choice({
    path: "sampler", flag: "sampler", label: "Sampler", help: "reverse-process sampler", choices: SAMPLER_NAMES, default: "ddpm",
    labels: { ddpm: "DDPM", ddim: "DDIM", "dpm-solver++": "DPM-Solver++" },
  }),
  flowSampler: choice({
    path: "flowSampler", flag: "sampler", label: "Sampler", help: "flow-matching sampler (ODE solver from t = 1 to 0)", choices: FLOW_SAMPLER_NAMES, default: "euler",
    labels: { euler: "Euler", heun: "Heun" },
  }),
  samplingSteps: integer({ path: "steps", flag: "steps", label: "Sampling steps", help: "sampling steps, from 1 to T", min: 1, max: MAX_T }),
  eta: number({ path: "eta", flag: "eta", label: "η", help: "DDIM's η: 0 deterministic, 1 DDPM-like", min: 0, max: 1, default: 0 }),
  variance: choice({
    path: "variance", flag: "variance", label: "DDPM variance", help: "DDPM's σ²: β̃_t or β_t", choices: DDPM_VARIANCES, default: "betaTilde",
    labels: { betaTilde: "β̃ (posterior)", beta: "β (forward)" },
  }),
  spacing: choice({
    path: "spacing", flag: "spacing", label: "Step spacing", help: "respaced grid: even in t, or even in ln SNR", choices: TIMESTEP_SPACINGS, default: "trailing",
    labels: { trailing: "even in t", logsnr: "even in ln SNR" },
  }),
  clipX0: number({ path: "clipX0", flag: "clip-x0", label: "Clip x̂₀", help: "clamp the predicted x̂₀ to [−C, C] (off by default)", min: 0, max: 1e6, minExclusive: true }),
  sampleCount: integer({ path: "n", flag: "n", label: "Samples", help: "number of samples", min: 1, max: MAX_POINTS, default: 512 }),
  samplingSeed: integer({ path: "seed", flag: "seed", label: "Seed", help: "seed of x_T and the sampler noise", min: 0, max: MAX_SEED, default: 0 }),
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

// ── What every shell derives ──────────────────────────────────────────────────────────────────────

/**
 * Narrower bounds than a setting's own, where a shell or a model allows less (a page's steps, a
 * model's T, a slider's span). A bound given here is inclusive: it narrows an open interval to a closed one.
 */
export interface Bounds {
  min?: number;
  max?: number;
}

/** What a range check needs of a numeric setting; a shell's one-off range (a page's frame) is written so too. */
export type NumericRange = Pick<NumberSetting, "min" | "max" | "minExclusive" | "maxExclusive" | "off"> & {
  type: "integer" | "number";
};

/** The range with `bounds` applied: each given bound replaces the setting's, and is inclusive. */
export function narrowed(range: NumericRange, bounds: Bounds = {}): NumericRange {
  return {
    type: range.type,
    min: bounds.min ?? range.min,
    max: bounds.max ?? range.max,
    minExclusive: bounds.min === undefined && range.minExclusive === true,
    maxExclusive: bounds.max === undefined && range.maxExclusive === true,
    off: range.off,
  };
}

/** A number as messages print it: 4294967295, 0.0001, 0.000001. */
const show = (value: number) => String(value);

/**
 * The allowed values as people read them: "an integer from 1 to 100000", "a number in (0, 1)",
 * "a number ≥ 0", "0 (off) or a number in [0.9, 1)", "one of linear, quadratic, cosine, sigmoid".
 */
export function describeRange(setting: Setting | NumericRange, bounds: Bounds = {}): string {
  if (setting.type === "choice") return `one of ${setting.choices.join(", ")}`;
  const { type, min, max, minExclusive, maxExclusive, off } = narrowed(setting, bounds);
  let text: string;
  if (type === "integer") text = `an integer from ${show(min)} to ${show(max)}`;
  else if (max === Infinity) text = `a number ${minExclusive ? ">" : "≥"} ${show(min)}`;
  else text = `a number in ${minExclusive ? "(" : "["}${show(min)}, ${show(max)}${maxExclusive ? ")" : "]"}`;
  return off !== undefined ? `${show(off)} (off) or ${text}` : text;
}

/** Whether a number is an allowed value of a numeric setting (within narrower bounds when given). */
export function inRange(setting: NumericRange, value: number, bounds: Bounds = {}): boolean {
  const { type, min, max, minExclusive, maxExclusive, off } = narrowed(setting, bounds);
  if (!Number.isFinite(value)) return false;
  if (off !== undefined && value === off) return true;
  if (type === "integer" && !Number.isInteger(value)) return false;
  return (minExclusive ? value > min : value >= min) && (maxExclusive ? value < max : value <= max);
}

/** Plain decimal notation: Number("0x10") is 16 and Number(" 1 ") is 1, but no setting is written so. */
const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number `text` spells in plain decimals, else NaN: what every shell reads a typed number with. */
export function parseDecimal(text: string): number {
  return PLAIN_DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/**
 * Throws a one-line RangeError, "`name` must be <range>, got <value>", unless `value` is allowed: how the
 * core's own functions (makeDataset, sample, …) refuse what a config or a flag would refuse.
 */
export function checkSetting(name: string, setting: NumericRange, value: number, bounds: Bounds = {}): void {
  if (!inRange(setting, value, bounds)) throw new RangeError(`${name} must be ${describeRange(setting, bounds)}, got ${value}`);
}

/** The setting whose config path is `path` ("schedule.betaEnd"), if there is one. */
export function settingAt(path: string): Setting | undefined {
  return Object.values(SETTINGS).find((setting) => setting.path === path);
}

/** The label of a config path for tables and legends: "β end" for "schedule.betaEnd", else the path. */
export function settingLabel(path: string): string {
  return settingAt(path)?.label ?? path;
}

/** The label of one choice of a setting: "DPM-Solver++" for sampler "dpm-solver++". */
export function choiceLabel<C extends string>(setting: ChoiceSetting<C>, value: C): string {
  return setting.labels[value] ?? value;
}

/** A sampler with its options as people read it: "DDPM", "DDIM η = 0.5", "DPM-Solver++ (even in ln SNR)", "Heun". */
export function samplerLabel(spec: { sampler: SamplerName | FlowSamplerName; eta?: number; spacing?: TimestepSpacing }): string {
  const eta = spec.eta === undefined ? "" : ` η = ${spec.eta}`;
  const spacing = spec.spacing === undefined ? "" : ` (${choiceLabel(SETTINGS.spacing, spec.spacing)})`;
  const name = (FLOW_SAMPLER_NAMES as readonly string[]).includes(spec.sampler)
    ? choiceLabel(SETTINGS.flowSampler, spec.sampler as FlowSamplerName)
    : choiceLabel(SETTINGS.sampler, spec.sampler as SamplerName);
  return `${name}${eta}${spacing}`;
}
