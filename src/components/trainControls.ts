/**
 * The Train page's settings: a form of labelled native controls (objective, data, schedule, β range, T,
 * steps, batch, learning rate, seed, backend) whose value is the training config they describe, or the
 * reason the settings are refused. Nothing is clamped silently: a value out of range marks its box
 * invalid and a message under the form names the setting and the allowed range, and no run can start
 * until it is fixed.
 *
 * The checks are the registry's ranges (core/settings.ts) and the config's one cross-field rule (β end
 * above β start), so this module, part of the page's first view, does not load the config's zod schema:
 * the panel parses the config with it when a run starts.
 */
import {
  type Bounds,
  describeRange,
  inRange,
  type IntegerSetting,
  narrowed,
  type NumberSetting,
  type Objective,
  parseDecimal,
  SETTINGS,
  type TrainBackend,
} from "../core/settings.js";
import type { PointsSet } from "../core/pointsSet.js";
import type { TrainConfigInput } from "../core/training/config.js";
import type { AutoChoice } from "../engines/autoBackend.js";
import { type PointsSource, pointsSource } from "./pointsSource.js";
import { choiceField, type FieldSpec, readUrlState, settingField, type UrlState } from "./urlState.js";

/** The engines offered in a browser, in the order of the menu. */
export const BROWSER_BACKENDS = [
  { value: "auto", label: "auto: WebGPU on a hardware GPU, else the fused kernel" },
  { value: "tfjs", label: "tfjs: first that starts of WebGPU, WebGL, wasm, CPU" },
  { value: "tfjs-webgpu", label: "tfjs on WebGPU" },
  { value: "tfjs-webgl", label: "tfjs on WebGL" },
  { value: "tfjs-wasm", label: "tfjs on wasm (WebAssembly, XNNPACK)" },
  { value: "tfjs-cpu", label: "tfjs on CPU (plain JavaScript)" },
  { value: "fused-wasm", label: "fused WebAssembly SIMD kernel (fastest on CPU)" },
] as const satisfies readonly { value: TrainBackend | "auto"; label: string }[]; // each a backend the config takes, or auto
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number]["value"];

/** Bounds of the page, tighter than the config's: a browser tab is not the place for a million steps. */
export const PAGE_LIMITS = { steps: 100_000, batch: 4096 } as const;

/** The page's starting point: the CLI's defaults (10,000 steps, as in the exercise), on the auto engine. */
export const DEFAULT_CONTROLS = {
  objective: SETTINGS.objective.default as Objective,
  dataset: SETTINGS.datasetName.default as string,
  kind: SETTINGS.scheduleKind.default as string,
  betaStart: SETTINGS.betaStart.default as number,
  betaEnd: SETTINGS.betaEnd.default as number,
  T: SETTINGS.T.default as number,
  steps: SETTINGS.trainingSteps.default as number,
  batch: SETTINGS.batch.default as number,
  lr: SETTINGS.lr.default as number,
  seed: SETTINGS.trainingSeed.default as number,
  backend: "auto" as BrowserBackend,
  /** The reader's own points as a link carries them (pointsUrl.ts); empty for a built-in set. */
  points: "",
};

/** What "auto" trains on where nothing better was found (see engines/autoBackend.ts). */
const AUTO_FALLBACK: TrainBackend = "fused-wasm";
export type ControlValues = typeof DEFAULT_CONTROLS;
type Field = keyof ControlValues;

export type ControlsValue =
  /** `points`: the reader's own set, which the config's dataset.file names (trained as its `points`). */
  | { ok: true; input: TrainConfigInput; points?: PointsSet }
  | { ok: false; field: Field; message: string };

/** The reader's own points, or why they cannot train yet; absent for a built-in set. */
export type OwnPoints = { set: PointsSet } | { set?: undefined; problem: string };

export type TrainControls = HTMLFormElement & {
  readonly value: ControlsValue;
  /** The settings as they stand, numbers as numbers (they need not pass: see `value`). */
  readonly settings: ControlValues;
  /** Greys out every control (while a run is going: changes would not reach it). */
  setDisabled(disabled: boolean): void;
  /** The data's source: a built-in set or the reader's own points. */
  readonly source: PointsSource;
};

/** A number box: its registered setting, within the page's tighter bounds where it has them. */
interface NumberSpec {
  setting: IntegerSetting | NumberSetting;
  bounds?: Bounds;
}

const NUMBERS: Record<"betaStart" | "betaEnd" | "T" | "steps" | "batch" | "lr" | "seed", NumberSpec> = {
  betaStart: { setting: SETTINGS.betaStart },
  betaEnd: { setting: SETTINGS.betaEnd },
  T: { setting: SETTINGS.T },
  steps: { setting: SETTINGS.trainingSteps, bounds: { max: PAGE_LIMITS.steps } },
  batch: { setting: SETTINGS.batch, bounds: { max: PAGE_LIMITS.batch } },
  lr: { setting: SETTINGS.lr },
  seed: { setting: SETTINGS.trainingSeed },
};

/** The settings as URL parameters (see urlState.ts): a link clamps each to the page's bounds. */
export const TRAIN_URL_STATE: FieldSpec<string | number>[] = [
  settingField(SETTINGS.objective),
  settingField(SETTINGS.datasetName, { key: "dataset" }),
  settingField(SETTINGS.scheduleKind, { key: "kind" }),
  settingField(SETTINGS.betaStart),
  settingField(SETTINGS.betaEnd),
  settingField(SETTINGS.T),
  settingField(SETTINGS.trainingSteps, { key: "steps", bounds: NUMBERS.steps.bounds }),
  settingField(SETTINGS.batch, { bounds: NUMBERS.batch.bounds }),
  settingField(SETTINGS.lr),
  settingField(SETTINGS.trainingSeed),
  choiceField("backend", BROWSER_BACKENDS.map((b) => b.value), DEFAULT_CONTROLS.backend),
  // Read as text here; the points source decodes it (asynchronously) and says so if it is damaged.
  { key: "points", default: "", format: (value: string) => value, parse: (text: string) => ({ value: text }) } as FieldSpec<string>,
];

/** The settings that belong to DDPM's noise schedule, which flow matching does not have. */
const SCHEDULE_FIELDS = ["kind", "betaStart", "betaEnd", "T"] as const;

/**
 * The page's settings from its query string (readUrlState), without notices about the noise schedule
 * when the link trains flow matching, which has none: `?objective=flow-matching&T=0` says nothing of T.
 */
export function readTrainUrlState(search: string): UrlState<ControlValues> {
  const url = readUrlState<ControlValues>(TRAIN_URL_STATE, search);
  if (url.values.objective !== "flow-matching") return url;
  const moot = (part: string) => (SCHEDULE_FIELDS as readonly string[]).includes(part.split("=")[0]);
  const rest = search.replace(/^\?/, "").split("&").filter((part) => !moot(part)).join("&");
  return { values: url.values, problems: readUrlState(TRAIN_URL_STATE, rest && `?${rest}`).problems };
}

/** Why a typed value is refused, in the registry's words, or undefined when it is fine. */
export function numberProblem(text: string, { setting, bounds }: NumberSpec): string | undefined {
  const value = parseDecimal(text.trim());
  if (inRange(setting, value, bounds)) return undefined;
  const got = Number.isFinite(value) ? String(value) : text.trim() === "" ? "nothing" : JSON.stringify(text);
  return `${setting.label} must be ${describeRange(setting, bounds)}, got ${got}`;
}

/**
 * The config document the values describe (the model and the rest of training keep the CLI's defaults);
 * "auto" becomes the engine it chose, so the config names what actually trains. A flow-matching config
 * names its objective and no schedule; the reader's own points are a file dataset, `NAME.csv` with the
 * SHA-256 of its CSV text, as the CLI records a file.
 */
export function configInput(values: ControlValues, auto: TrainBackend = AUTO_FALLBACK, own?: PointsSet): TrainConfigInput {
  const flow = values.objective === "flow-matching";
  return {
    dataset: own ? { file: `${own.name}.csv`, sha256: own.sha256 } : { name: values.dataset as never },
    ...(flow ? { model: { objective: "flow-matching" as const } } : {
      schedule: {
        kind: values.kind as never,
        T: values.T,
        // Cosine has its own β: the config keeps the defaults, and the boxes are greyed out.
        ...(values.kind === "cosine" ? {} : { betaStart: values.betaStart, betaEnd: values.betaEnd }),
      },
    }),
    training: { steps: values.steps, batch: values.batch, lr: values.lr, seed: values.seed },
    backend: values.backend === "auto" ? auto : values.backend,
  };
}

/**
 * Checks control values as typed: the page's bounds first, then the config's cross-field rule (β end >
 * β start, in the config's own words); the settings a choice makes moot (β for cosine, the whole
 * schedule for flow matching) are not checked. `own`: the reader's points, when they are the data.
 */
export function checkControls(texts: Record<Field, string>, auto: TrainBackend = AUTO_FALLBACK, own?: OwnPoints): ControlsValue {
  const values = { ...DEFAULT_CONTROLS } as Record<Field, string | number>;
  const flow = texts.objective === "flow-matching";
  for (const field of Object.keys(texts) as Field[]) {
    const spec = NUMBERS[field as keyof typeof NUMBERS];
    if (!spec) {
      values[field] = texts[field];
      continue;
    }
    if (flow && (SCHEDULE_FIELDS as readonly string[]).includes(field)) continue;
    if (field.startsWith("beta") && texts.kind === "cosine") continue;
    const problem = numberProblem(texts[field], spec);
    if (problem) return { ok: false, field, message: problem };
    values[field] = Number(texts[field]);
  }
  if (!flow && values.kind !== "cosine" && !(values.betaEnd > values.betaStart)) {
    return { ok: false, field: "betaEnd", message: `${SETTINGS.betaEnd.label}: must be greater than betaStart (${values.betaStart}), got ${values.betaEnd}` };
  }
  if (own && !own.set) return { ok: false, field: "points", message: `your points: ${own.problem}` };
  const input = configInput(values as ControlValues, auto, own?.set);
  return own?.set ? { ok: true, input, points: own.set } : { ok: true, input };
}

let forms = 0;

export function trainControls(
  options: { value?: Partial<ControlValues>; document?: Document; auto?: AutoChoice } = {},
): TrainControls {
  const { document = globalThis.document, auto = { backend: AUTO_FALLBACK, reason: "no WebGPU adapter was looked for" } } = options;
  const initial = { ...DEFAULT_CONTROLS, ...options.value };
  const id = `train-controls-${++forms}`;
  const form = document.createElement("form") as TrainControls;
  form.className = "train-controls";
  form.addEventListener("submit", (event) => event.preventDefault());
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = "Settings";
  fieldset.append(legend);
  const message = document.createElement("p");
  message.className = "train-controls-message";
  message.setAttribute("role", "alert");
  const source = pointsSource({ document });
  // A link's points: chosen at once (the value waits for them), decoded in the background.
  if (initial.points) source.restore(initial.points);
  form.append(fieldset, message);

  const elements = new Map<Field, HTMLInputElement | HTMLSelectElement>();
  const row = (field: Field, label: string, element: HTMLInputElement | HTMLSelectElement) => {
    element.id = `${id}-${field}`;
    element.name = field;
    const name = document.createElement("label");
    name.htmlFor = element.id;
    name.textContent = label;
    const wrapper = document.createElement("div");
    wrapper.className = "train-control";
    wrapper.append(name, element);
    fieldset.append(wrapper);
    elements.set(field, element);
  };
  const select = (field: Field, label: string, choices: readonly { value: string; label: string }[]) => {
    const element = document.createElement("select");
    for (const choice of choices) {
      const option = document.createElement("option");
      option.value = choice.value;
      option.textContent = choice.label;
      option.selected = choice.value === String(initial[field]);
      element.append(option);
    }
    row(field, label, element);
  };
  const registered = (field: Field, setting: { label: string; choices: readonly string[]; labels: Record<string, string> }) =>
    select(field, setting.label, setting.choices.map((value) => ({ value, label: setting.labels[value] })));
  const number = (field: keyof typeof NUMBERS) => {
    const spec = NUMBERS[field];
    const element = document.createElement("input");
    element.type = "number";
    const { type, min, max } = narrowed(spec.setting, spec.bounds);
    element.min = String(min);
    element.max = String(max);
    element.step = type === "integer" ? "1" : "any";
    element.value = String(initial[field]);
    element.inputMode = type === "integer" ? "numeric" : "decimal";
    row(field, spec.setting.label, element);
  };
  /** A line across the grid, shown while it applies. */
  const note = (className: string) => {
    const line = document.createElement("p");
    line.className = `train-controls-note ${className}`;
    fieldset.append(line);
    return line;
  };

  registered("objective", SETTINGS.objective);
  // The data: a built-in set from the menu, or the reader's own points (the source's panel, across the grid).
  const sourceRow = document.createElement("div");
  sourceRow.className = "train-controls-source";
  sourceRow.append(source);
  fieldset.append(sourceRow);
  registered("dataset", SETTINGS.datasetName);
  registered("kind", SETTINGS.scheduleKind);
  number("betaStart");
  number("betaEnd");
  number("T");
  const flowNote = note("train-controls-flow");
  flowNote.textContent = "Flow matching has no noise schedule: its path is the straight line xₜ = (1 − t)·x₀ + t·ε " +
    "for t from 0 to 1, so the schedule, β and T do not apply.";
  number("steps");
  number("batch");
  number("lr");
  number("seed");
  select("backend", "Backend", BROWSER_BACKENDS);
  // Which engine "auto" picked, and why: shown under the menu while auto is chosen.
  const autoNote = note("train-controls-auto");
  autoNote.textContent = `auto trains on ${auto.backend}: ${auto.reason}.`;

  const texts = () => Object.fromEntries([...elements].map(([field, element]) => [field, element.value])) as Record<Field, string>;
  const own = (): OwnPoints | undefined => {
    if (source.kind !== "own") return undefined;
    return source.set ? { set: source.set } : { problem: source.problem ?? "not ready" };
  };
  const check = () => checkControls(texts(), auto.backend, own());
  let value = check();
  const show = () => {
    const flow = elements.get("objective")!.value === "flow-matching";
    const cosine = elements.get("kind")!.value === "cosine";
    autoNote.hidden = elements.get("backend")!.value !== "auto";
    flowNote.hidden = !flow;
    for (const field of SCHEDULE_FIELDS) {
      const moot = flow || (cosine && field.startsWith("beta"));
      (elements.get(field) as HTMLInputElement).disabled = moot || fieldset.disabled;
    }
    (elements.get("dataset") as HTMLSelectElement).disabled = source.kind === "own" || fieldset.disabled;
    for (const [field, element] of elements) element.setAttribute("aria-invalid", String(!value.ok && value.field === field));
    message.textContent = value.ok ? "" : `Not started: ${value.message}.`;
    message.hidden = value.ok;
  };
  form.addEventListener("input", (event) => {
    // Re-dispatched below with the new value; only the controls' own events are checked.
    if (event.target === form) return;
    event.stopPropagation();
    value = check();
    show();
    // The form's own window's Event: in a test the document is not the global one.
    const { Event } = document.defaultView ?? globalThis;
    form.dispatchEvent(new Event("input", { bubbles: true }));
  });
  Object.defineProperty(form, "value", { get: () => value });
  Object.defineProperty(form, "settings", {
    get: () => ({
      ...Object.fromEntries([...elements].map(([field, element]) => [field, field in NUMBERS ? Number(element.value) : element.value])),
      points: source.set?.param ?? "",
    }),
  });
  Object.defineProperty(form, "source", { value: source });
  form.setDisabled = (disabled: boolean) => {
    fieldset.disabled = disabled;
    source.setDisabled(disabled);
    show();
  };
  show();
  return form;
}
