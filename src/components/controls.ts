/**
 * Small labelled controls built from native elements. The overview's JavaScript budget has no room for
 * @observablehq/inputs, and Inputs imported from node_modules comes without its stylesheet (Framework
 * adds that only for its implicit, CDN-loaded Inputs), so these carry their own inline styles. Each returns a <form> with a `value` and
 * emits a bubbling "input" event when it changes, which is all Framework's view() needs. Native
 * <select>, radio buttons, range and button elements are keyboard-operable as they are.
 */

export interface Choice<V extends string> {
  value: V;
  label: string;
}

export type Control<V> = HTMLFormElement & { readonly value: V };

let uid = 0;
const nextId = (prefix: string) => `chisel-${prefix}-${++uid}`;

function shell(document: Document, label: string): { form: HTMLFormElement; name: HTMLElement; body: HTMLElement } {
  const form = document.createElement("form");
  form.style.cssText = "display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; margin: 0.4rem 0; " +
    "font: 14px/1.4 var(--sans-serif);";
  form.addEventListener("submit", (event) => event.preventDefault());
  const name = document.createElement("span");
  name.textContent = label;
  name.style.cssText = "min-width: 7.5rem; font-weight: 500;";
  const body = document.createElement("span");
  body.style.cssText = "display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.9rem;";
  form.append(name, body);
  return { form, name, body };
}

function withValue<V>(form: HTMLFormElement, get: () => V): Control<V> {
  Object.defineProperty(form, "value", { get });
  return form as Control<V>;
}

/** A labelled group of radio buttons. */
export function radio<V extends string>(
  choices: Choice<V>[],
  options: { label: string; value?: V; document?: Document },
): Control<V> {
  const { label, value = choices[0].value, document = globalThis.document } = options;
  const { form, name, body } = shell(document, label);
  const group = nextId("radio");
  form.setAttribute("role", "radiogroup");
  name.id = `${group}-label`;
  form.setAttribute("aria-labelledby", name.id);
  const inputs = choices.map((choice) => {
    const wrapper = document.createElement("label");
    wrapper.style.cssText = "display: inline-flex; align-items: center; gap: 0.3em; cursor: pointer;";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = group;
    input.value = choice.value;
    input.checked = choice.value === value;
    wrapper.append(input, choice.label);
    body.append(wrapper);
    return input;
  });
  return withValue(form, () => (inputs.find((input) => input.checked)?.value ?? value) as V);
}

/** A labelled drop-down. */
export function select<V extends string>(
  choices: Choice<V>[],
  options: { label: string; value?: V; document?: Document },
): Control<V> {
  const { label, value = choices[0].value, document = globalThis.document } = options;
  const { form, name, body } = shell(document, label);
  const element = document.createElement("select");
  element.id = nextId("select");
  for (const choice of choices) {
    const option = document.createElement("option");
    option.value = choice.value;
    option.textContent = choice.label;
    option.selected = choice.value === value;
    element.append(option);
  }
  const labelElement = document.createElement("label");
  labelElement.htmlFor = element.id;
  labelElement.append(...name.childNodes);
  name.append(labelElement);
  body.append(element);
  return withValue(form, () => element.value as V);
}

export interface ScrubberOptions {
  /** The last step; the slider runs over t = 0 … T. */
  T: number;
  value?: number;
  /** Run the slider right to left (t = T at the left), for reading the staircase in reverse. */
  reversed?: boolean;
  label?: string;
  /** Seconds to play from one end to the other. */
  duration?: number;
  document?: Document;
}

/**
 * A t slider with a play button: playing moves t towards x_T (forward) or x_0 (reversed) and stops there.
 * Its value is t, an integer in [0, T].
 */
export function timeScrubber(options: ScrubberOptions): Control<number> {
  const { T, reversed = false, label = "t", duration = 6, document = globalThis.document } = options;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  const clamp = (t: number) => Math.max(0, Math.min(T, Math.round(t)));
  const start = reversed ? T : 0;
  const end = reversed ? 0 : T;
  const { form, name, body } = shell(document, "");
  const range = document.createElement("input");
  range.type = "range";
  range.min = "0";
  range.max = String(T);
  range.step = "1";
  range.value = String(clamp(options.value ?? start));
  range.id = nextId("range");
  range.style.cssText = `width: min(28rem, 60vw);${reversed ? " direction: rtl;" : ""}`;
  const labelElement = document.createElement("label");
  labelElement.htmlFor = range.id;
  labelElement.textContent = label;
  name.append(labelElement);
  const output = document.createElement("output");
  output.htmlFor.add(range.id);
  output.style.cssText = "min-width: 4.5em; font-variant-numeric: tabular-nums;";
  const button = document.createElement("button");
  button.type = "button";
  button.style.cssText = "min-width: 5.5em;";
  body.append(range, output, button);

  let frame = 0;
  const show = () => {
    output.textContent = `t = ${range.value}`;
    button.textContent = frame ? "❚❚ Pause" : reversed ? "▶ Play to data" : "▶ Play to noise";
    button.setAttribute("aria-label", frame ? "Pause" : reversed ? "Play towards the data" : "Play towards the noise");
  };
  const emit = () => form.dispatchEvent(new Event("input", { bubbles: true }));
  const stop = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    show();
  };
  const play = () => {
    let from = Number(range.value);
    if (from === end) from = start;
    const began = performance.now();
    const stepsPerMs = T / (duration * 1000);
    const tick = (now: number) => {
      // Removed from the page (its cell re-ran): stop without emitting.
      if (!form.isConnected) return stop();
      const moved = (now - began) * stepsPerMs;
      const t = clamp(reversed ? from - moved : from + moved);
      if (String(t) !== range.value) {
        range.value = String(t);
        show();
        emit();
      }
      if (t === end) return stop();
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    show();
  };
  button.addEventListener("click", () => (frame ? stop() : play()));
  range.addEventListener("input", () => show());
  show();
  return withValue(form, () => Number(range.value));
}

/** A labelled group of checkboxes; its value is the checked values, in the order of `choices`. */
export function checkboxes<V extends string>(
  choices: Choice<V>[],
  options: { label: string; value?: V[]; document?: Document },
): Control<V[]> {
  const { label, value = choices.map((c) => c.value), document = globalThis.document } = options;
  const { form, name, body } = shell(document, label);
  const group = nextId("checkboxes");
  name.id = `${group}-label`;
  form.setAttribute("role", "group");
  form.setAttribute("aria-labelledby", name.id);
  const inputs = choices.map((choice) => {
    const wrapper = document.createElement("label");
    wrapper.style.cssText = "display: inline-flex; align-items: center; gap: 0.3em; cursor: pointer;";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = choice.value;
    input.checked = value.includes(choice.value);
    wrapper.append(input, choice.label);
    body.append(wrapper);
    return input;
  });
  return withValue(form, () => inputs.filter((input) => input.checked).map((input) => input.value as V));
}

/** A labelled row of buttons, each running an action when pressed (it has no value of its own). */
export function buttons(actions: [string, () => void][], options: { label: string; document?: Document }): HTMLFormElement {
  const { label, document = globalThis.document } = options;
  const { form, name, body } = shell(document, label);
  const group = nextId("buttons");
  name.id = `${group}-label`;
  form.setAttribute("role", "group");
  form.setAttribute("aria-labelledby", name.id);
  for (const [text, action] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.addEventListener("click", action);
    body.append(button);
  }
  return form;
}
