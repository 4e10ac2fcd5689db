/**
 * The Train page's settings: a form of labelled native controls (dataset, schedule, β range, T, steps,
 * batch, learning rate, seed, backend) whose value is a checked training config, or the reason the
 * settings are refused. Nothing is clamped silently: a value out of range marks its box invalid and a
 * message under the form names the setting and the allowed range, and no run can start until it is fixed.
 */
import {
  type Bounds,
  describeRange,
  inRange,
  type IntegerSetting,
  narrowed,
  type NumberSetting,
  parseDecimal,
  SETTINGS,
  type TrainBackend,
} from "../core/settings.js";
import {
  DEFAULT_TRAIN_CONFIG,
  parseTrainConfig,
  type TrainConfig,
  type TrainConfigInput,
} from "../core/training/config.js";
import type { AutoChoice } from "../engines/autoBackend.js";
import { choiceField, type FieldSpec, settingField } from "./urlState.js";

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
  dataset: "spiral",
  kind: DEFAULT_TRAIN_CONFIG.schedule.kind,
  betaStart: DEFAULT_TRAIN_CONFIG.schedule.betaStart,
  betaEnd: DEFAULT_TRAIN_CONFIG.schedule.betaEnd,
  T: DEFAULT_TRAIN_CONFIG.schedule.T,
  steps: DEFAULT_TRAIN_CONFIG.training.steps,
  batch: DEFAULT_TRAIN_CONFIG.training.batch,
  lr: DEFAULT_TRAIN_CONFIG.training.lr,
  seed: DEFAULT_TRAIN_CONFIG.training.seed,
  backend: "auto" as BrowserBackend,
};

/** What "auto" trains on where nothing better was found (see engines/autoBackend.ts). */
const AUTO_FALLBACK: TrainBackend = "fused-wasm";
export type ControlValues = typeof DEFAULT_CONTROLS;
type Field = keyof ControlValues;

export type ControlsValue =
  | { ok: true; input: TrainConfigInput; config: TrainConfig }
  | { ok: false; field: Field; message: string };

export type TrainControls = HTMLFormElement & {
  readonly value: ControlsValue;
  /** The settings as they stand, numbers as numbers (they need not pass: see `value`). */
  readonly settings: ControlValues;
  /** Greys out every control (while a run is going: changes would not reach it). */
  setDisabled(disabled: boolean): void;
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
];

/** Why a typed value is refused, in the registry's words, or undefined when it is fine. */
export function numberProblem(text: string, { setting, bounds }: NumberSpec): string | undefined {
  const value = parseDecimal(text.trim());
  if (inRange(setting, value, bounds)) return undefined;
  const got = Number.isFinite(value) ? String(value) : text.trim() === "" ? "nothing" : JSON.stringify(text);
  return `${setting.label} must be ${describeRange(setting, bounds)}, got ${got}`;
}

/**
 * The config document the values describe (the model and the rest of training keep the CLI's defaults);
 * "auto" becomes the engine it chose, so the config names what actually trains.
 */
export function configInput(values: ControlValues, auto: TrainBackend = AUTO_FALLBACK): TrainConfigInput {
  return {
    dataset: { name: values.dataset as TrainConfig["dataset"]["name"] },
    schedule: {
      kind: values.kind,
      T: values.T,
      // Cosine has its own β: the config keeps the defaults, and the boxes are greyed out.
      ...(values.kind === "cosine" ? {} : { betaStart: values.betaStart, betaEnd: values.betaEnd }),
    },
    training: { steps: values.steps, batch: values.batch, lr: values.lr, seed: values.seed },
    backend: values.backend === "auto" ? auto : values.backend,
  };
}

/** Checks control values as typed: the page's bounds first, then the config's own rules (β end > β start). */
export function checkControls(texts: Record<Field, string>, auto: TrainBackend = AUTO_FALLBACK): ControlsValue {
  const values = { ...DEFAULT_CONTROLS } as Record<Field, string | number>;
  for (const field of Object.keys(texts) as Field[]) {
    const spec = NUMBERS[field as keyof typeof NUMBERS];
    if (!spec) {
      values[field] = texts[field];
      continue;
    }
    if (field.startsWith("beta") && texts.kind === "cosine") continue;
    const problem = numberProblem(texts[field], spec);
    if (problem) return { ok: false, field, message: problem };
    values[field] = Number(texts[field]);
  }
  const input = configInput(values as ControlValues, auto);
  try {
    return { ok: true, input, config: parseTrainConfig(input) };
  } catch (error) {
    const message = (error as Error).message;
    const entry = Object.entries(NUMBERS).find(([, spec]) => message.startsWith(`${spec.setting.path}:`));
    const field = (entry?.[0] ?? "backend") as Field;
    const setting = entry?.[1].setting;
    return { ok: false, field, message: setting ? `${setting.label}: ${message.slice(setting.path.length + 2)}` : message };
  }
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

  for (const [field, setting] of [["dataset", SETTINGS.datasetName], ["kind", SETTINGS.scheduleKind]] as const) {
    select(field, setting.label, setting.choices.map((value) => ({ value, label: setting.labels[value as keyof typeof setting.labels] })));
  }
  number("betaStart");
  number("betaEnd");
  number("T");
  number("steps");
  number("batch");
  number("lr");
  number("seed");
  select("backend", "Backend", BROWSER_BACKENDS);
  // Which engine "auto" picked, and why: shown under the menu while auto is chosen.
  const autoNote = document.createElement("p");
  autoNote.className = "train-controls-auto";
  autoNote.textContent = `auto trains on ${auto.backend}: ${auto.reason}.`;
  fieldset.append(autoNote);

  const texts = () => Object.fromEntries([...elements].map(([field, element]) => [field, element.value])) as Record<Field, string>;
  let value = checkControls(texts(), auto.backend);
  const show = () => {
    const cosine = elements.get("kind")!.value === "cosine";
    autoNote.hidden = elements.get("backend")!.value !== "auto";
    for (const field of ["betaStart", "betaEnd"] as const) (elements.get(field) as HTMLInputElement).disabled = cosine || fieldset.disabled;
    for (const [field, element] of elements) element.setAttribute("aria-invalid", String(!value.ok && value.field === field));
    message.textContent = value.ok ? "" : `Not started: ${value.message}.`;
    message.hidden = value.ok;
  };
  form.addEventListener("input", (event) => {
    // Re-dispatched below with the new value; only the controls' own events are checked.
    if (event.target === form) return;
    event.stopPropagation();
    value = checkControls(texts(), auto.backend);
    show();
    // The form's own window's Event: in a test the document is not the global one.
    const { Event } = document.defaultView ?? globalThis;
    form.dispatchEvent(new Event("input", { bubbles: true }));
  });
  Object.defineProperty(form, "value", { get: () => value });
  Object.defineProperty(form, "settings", {
    get: () => Object.fromEntries([...elements].map(([field, element]) => [field, field in NUMBERS ? Number(element.value) : element.value])),
  });
  form.setDisabled = (disabled: boolean) => {
    fieldset.disabled = disabled;
    show();
  };
  show();
  return form;
}
