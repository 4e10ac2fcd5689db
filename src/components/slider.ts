/**
 * A labelled slider with a number box, on a linear or a log scale. The log scale is for values that span
 * decades: β from 10⁻⁶ to 0.99, T from 1 to 100,000. A value typed in the box that is out of range, not a
 * number, or not an integer where one is needed is refused: the box is marked invalid, a message says
 * why, and the control keeps its last good value (no event is emitted), so nothing downstream sees it.
 * Values are rounded to `digits` significant digits (or to integers) so the box shows the value in use.
 */

import type { Control } from "./controls.js";

export interface SliderOptions {
  label: string;
  value: number;
  /** Log scale (min must be > 0). */
  log?: boolean;
  integer?: boolean;
  /** Significant digits kept for non-integer values (default 3). */
  digits?: number;
  /** Show the slider; false leaves only the number box (e.g. a seed). */
  range?: boolean;
  document?: Document;
}

let uid = 0;

export function slider([min, max]: [number, number], options: SliderOptions): Control<number> & { value: number } {
  const { label, log = false, integer = false, digits = 3, range: withRange = true, document = globalThis.document } = options;
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min && (!log || min > 0))) {
    throw new RangeError(`slider needs finite min < max${log ? " with min > 0" : ""}, got [${min}, ${max}]`);
  }
  const round = (x: number) => (integer ? Math.round(x) : Number(x.toPrecision(digits)));
  const toPosition = (v: number) => (log ? Math.log(v) : v);
  const fromPosition = (p: number) => round(log ? Math.exp(p) : p);
  const reason = (v: number): string | undefined =>
    !Number.isFinite(v)
      ? "enter a number"
      : v < min || v > max
      ? `must be from ${min} to ${max}`
      : integer && !Number.isInteger(v)
      ? "must be a whole number"
      : undefined;

  const id = `chisel-slider-${++uid}`;
  const form = document.createElement("form");
  form.style.cssText = "display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.6rem; margin: 0.4rem 0; " +
    "font: 14px/1.4 var(--sans-serif);";
  form.addEventListener("submit", (event) => event.preventDefault());
  const name = document.createElement("label");
  name.htmlFor = `${id}-number`;
  name.textContent = label;
  name.style.cssText = "min-width: 7.5rem; font-weight: 500;";
  const box = document.createElement("input");
  box.type = "number";
  box.id = `${id}-number`;
  box.min = String(min);
  box.max = String(max);
  box.step = integer ? "1" : "any";
  box.style.cssText = "width: 7em; font-variant-numeric: tabular-nums;";
  const range = document.createElement("input");
  range.type = "range";
  range.min = String(toPosition(min));
  range.max = String(toPosition(max));
  range.step = log || !integer ? "any" : "1";
  range.setAttribute("aria-label", `${label}${log ? " (log scale)" : ""}`);
  range.style.cssText = "width: min(16rem, 50vw);";
  const message = document.createElement("span");
  message.setAttribute("role", "alert");
  message.style.cssText = "color: var(--theme-red); font-size: 0.9em;";
  form.append(name, box);
  if (withRange) form.append(range);
  form.append(message);

  let current = round(options.value);
  const show = (v: number) => {
    box.value = String(v);
    range.value = String(toPosition(v));
    box.removeAttribute("aria-invalid");
    message.textContent = "";
  };
  show(current);
  range.addEventListener("input", () => {
    current = fromPosition(Number(range.value));
    show(current);
  });
  box.addEventListener("input", (event) => {
    const typed = box.value.trim() === "" ? NaN : Number(box.value);
    const problem = reason(typed);
    if (problem) {
      box.setAttribute("aria-invalid", "true");
      message.textContent = `${label}: ${problem}; still using ${current}.`;
      event.stopPropagation(); // the form does not report a change
      return;
    }
    current = typed;
    range.value = String(toPosition(typed));
    box.removeAttribute("aria-invalid");
    message.textContent = "";
  });
  Object.defineProperty(form, "value", {
    get: () => current,
    set: (v: number) => {
      if (reason(v) === undefined) {
        current = round(v);
        show(current);
      }
    },
  });
  return form as Control<number> & { value: number };
}
