/**
 * What the Sampling page hands out: its settings as URL parameters (see urlState.ts), its view as a
 * report config for `chisel report` (see reportConfigButton.ts), and a panel's samples as CSV.
 *
 * The report config is built so the CLI reproduces the page: the model's training config (for the
 * default model, data/configs/default.json as committed, so the CLI reuses its run), the page's sampler
 * and η, its step counts, its seed as the report's only seed and its n. The report's samples CSV for
 * that seed then holds the points the page draws, up to the two onnxruntime builds' rounding.
 */
import type { ReportConfigInput } from "../core/reports/config.js";
import type { DdpmVariance, FlowSamplerName, SamplerName } from "../core/samplers/index.js";
import type { TrainConfigInput } from "../core/training/config.js";
import { QUALITY_METRICS } from "./qualityChart.js";
import type { ReportConfigSource } from "./reportConfigButton.js";
import { slug } from "./slug.js";
import { FLOW_SAMPLER_NAMES, type Objective, SAMPLER_NAMES, samplerLabel, SETTINGS } from "../core/settings.js";
import { choiceField, type FieldSpec, integerField, readUrlState, settingField, type Specs, type UrlState } from "./urlState.js";

export const SAMPLING_MODELS = ["default", "session", "oracle"] as const;
export type SamplingModel = (typeof SAMPLING_MODELS)[number];
export const MIN_POINTS = 16;
export const MAX_POINTS = 4096;
/** One step count per panel. */
export const PANELS = 3;
/** Where report configs find the reader's own points: reportConfigButton.ts's POINTS_FOLDER (not imported: that module brings zod). */
const POINTS_FOLDER = "data/datasets";

export interface SamplingSettings {
  model: SamplingModel;
  /** A sampler of the model's objective: DDPM, DDIM or DPM-Solver++ for DDPM, Euler or Heun for flow matching. */
  sampler: SamplerName | FlowSamplerName;
  variance: DdpmVariance;
  eta: number;
  steps: number[];
  seed: number;
  n: number;
}

/** The panels' step counts, "10,50,1000": each clamped to 1 … maxT, exactly PANELS of them. */
function stepsField(maxT: number, defaults: number[]): FieldSpec<number[]> {
  const count = integerField("steps", { min: 1, max: maxT, default: 0 });
  return {
    key: "steps",
    default: defaults,
    format: (value) => value.join(","),
    parse(text) {
      const parts = text.split(",");
      if (parts.length !== PANELS) return { refused: `must list ${PANELS} step counts from 1 to ${maxT}, like 10,50,1000` };
      const value: number[] = [];
      const notes: string[] = [];
      for (const part of parts) {
        const parsed = count.parse(part);
        if ("refused" in parsed) return { refused: `must list ${PANELS} step counts from 1 to ${maxT}, like 10,50,1000` };
        value.push(parsed.value);
        if (parsed.note) notes.push(`${part}: ${parsed.note}`);
      }
      return notes.length ? { value, note: notes.join("; ") } : { value };
    },
  };
}

/** The samplers the page offers for a model of this objective, and the one it starts with. */
export function samplerChoices(objective: Objective): { samplers: readonly (SamplerName | FlowSamplerName)[]; default: SamplerName | FlowSamplerName } {
  return objective === "flow-matching"
    ? { samplers: FLOW_SAMPLER_NAMES, default: SETTINGS.flowSampler.default as FlowSamplerName }
    : { samplers: SAMPLER_NAMES, default: SETTINGS.sampler.default as SamplerName };
}

export interface SamplingStateOptions {
  defaults: Omit<SamplingSettings, "model">;
  /** The largest step count a panel may ask for, over the page's models. */
  maxT: number;
  /** Whether this tab has a model trained on the Train page. */
  hasSession: boolean;
  /** That model's objective (DDPM when not given). */
  sessionObjective?: Objective;
}

/**
 * The page's parameters: the model (a session model only when this tab has one), the sampler (of
 * either objective: samplingUrlState checks it against the model) and DDPM's noise settings, the three
 * step counts (up to the largest of the models' limits), seed, n and the chart's metric.
 */
export function samplingState(options: SamplingStateOptions): Specs {
  const { defaults, maxT, hasSession } = options;
  const models = choiceField("model", SAMPLING_MODELS, "default");
  return [
    {
      ...models,
      parse: (text: string) =>
        text === "session" && !hasSession
          ? { refused: "is the model trained on the Train page in this browser tab, and this tab has none" }
          : models.parse(text),
    },
    choiceField<SamplerName | FlowSamplerName>("sampler", [...SAMPLER_NAMES, ...FLOW_SAMPLER_NAMES], defaults.sampler),
    settingField(SETTINGS.variance, { default: defaults.variance }),
    settingField(SETTINGS.eta, { default: defaults.eta, digits: 2 }),
    stepsField(maxT, defaults.steps),
    settingField(SETTINGS.samplingSeed, { default: defaults.seed }),
    settingField(SETTINGS.sampleCount, { bounds: { min: MIN_POINTS, max: MAX_POINTS }, default: defaults.n }),
    choiceField("metric", QUALITY_METRICS, "swd"),
  ];
}

/** What a link sets: the settings and the quality chart's metric. */
export type SamplingUrlValues = Omit<SamplingSettings, never> & { metric: string };

/**
 * The page's settings from a query string (readUrlState), with the sampler checked against the
 * model's objective: a sampler of the other objective (a DDPM sampler for a flow model, or Euler for a
 * DDPM one) gets one line and the model's usual sampler instead.
 */
export function samplingUrlState(options: SamplingStateOptions, search: string): UrlState<SamplingUrlValues> {
  const state = readUrlState<SamplingUrlValues>(samplingState(options), search);
  const { values } = state;
  const objective: Objective = values.model === "session" ? options.sessionObjective ?? "ddpm" : "ddpm";
  const { samplers, default: fallback } = samplerChoices(objective);
  if (!samplers.includes(values.sampler)) {
    const model = values.model === "session" ? "the model from the Train page" : values.model === "oracle" ? "the exact oracle" : "the default model";
    state.problems.push(
      `URL parameter sampler=${values.sampler}: cannot run ${model}, a ${objective} model, which takes ${samplers.join(", ")}; using ${fallback}.`,
    );
    values.sampler = fallback;
  }
  return state;
}

/**
 * The report config of the page's view, or why it has none: the oracle is no trained model, and
 * reports sample DDPM with the posterior variance β̃ only. `train` is the model's training config and
 * `T` the most steps it takes (its schedule's T for DDPM, FLOW_MAX_STEPS for flow matching; step
 * counts above it are clamped, as the page clamps them). A model trained on the reader's own points
 * names their file where the Train page's own report config puts it, data/datasets/NAME.csv with its
 * SHA-256 pinned: this page has only the normalised points, not that file, so the description says to
 * save it from the Train page.
 */
export function samplingReportConfig(settings: SamplingSettings, model: { train?: TrainConfigInput; T: number }): ReportConfigSource {
  const { sampler, variance, eta, seed, n } = settings;
  if (settings.model === "oracle" || model.train === undefined) {
    return { reason: "The exact oracle is no trained model, and a report config needs one: choose a trained model to save its config." };
  }
  if (sampler === "ddpm" && variance !== "betaTilde") {
    return { reason: "Reports sample DDPM with the posterior variance β̃ only: choose β̃ to save a config." };
  }
  const steps = [...new Set(settings.steps.map((k) => Math.min(k, model.T)))];
  const file = model.train.dataset?.file && `${POINTS_FOLDER}/${model.train.dataset.file.replace(/^.*\//, "")}`;
  const train = file ? { ...model.train, dataset: { ...model.train.dataset, file } } : model.train;
  const label = samplerLabel(sampler === "ddim" ? { sampler, eta } : { sampler });
  const which = settings.model === "default" ? "the default model" : "your model from the Train page";
  return {
    config: {
      name: slug(`sampling ${settings.model} ${sampler} seed ${seed} n ${n}`),
      title: `From the Sampling page: ${label} at ${steps.join(", ")} steps, seed ${seed}, ${n} points`,
      description: `The Sampling page's view of ${which}. ` + (settings.model === "default"
        ? `The CLI reuses the committed run of data/configs/default.json, so the samples for seed ${seed} are the page's.`
        : "The CLI trains this config itself: its network, and so its samples, differ from the one trained in the browser." +
          (file ? ` It trains on your points from ${file} in the project, the CSV that the Train page's "Save as report config" ` +
            "saves with its config: put it there first (its SHA-256 is pinned, so another file is refused)." : "")),
      train,
      samplers: [sampler === "ddim" ? { sampler, eta } : { sampler }],
      steps,
      seeds: [seed],
      n,
    } satisfies ReportConfigInput,
  };
}

/** Points as "x,y" rows with a header, each number in full (the shortest text that reads back to it). */
export function samplesCsv(points: ArrayLike<number>): string {
  const rows = ["x,y"];
  for (let i = 0; i + 1 < points.length; i += 2) rows.push(`${points[i]},${points[i + 1]}`);
  return rows.join("\n") + "\n";
}
