/**
 * A slider over the frames of an animation with a play button: playing moves frame by frame to the last
 * one at `fps` and stops there (from the last frame, it starts again at the first). Its value is the
 * frame index; `describe` says what a frame is ("t = 420"). The range input and the button are native,
 * so arrow keys, Home, End, Space and Enter work as usual.
 */

import type { Control } from "./controls.js";

export interface FrameScrubberOptions {
  frames: number;
  value?: number;
  label?: string;
  /** Frames per second while playing. */
  fps?: number;
  describe?: (frame: number) => string;
  document?: Document;
}

let uid = 0;

export function frameScrubber(options: FrameScrubberOptions): Control<number> {
  const { frames, label = "Frame", fps = 20, describe = (frame) => `frame ${frame + 1} of ${frames}`, document = globalThis.document } = options;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a positive integer, got ${frames}`);
  if (!(fps > 0 && fps <= 120)) throw new RangeError(`fps must be in (0, 120], got ${fps}`);
  const last = frames - 1;
  const clamp = (f: number) => Math.max(0, Math.min(last, Math.round(f)));
  const id = `chisel-frames-${++uid}`;
  const form = document.createElement("form");
  form.className = "frame-scrubber";
  form.style.cssText = "display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; margin: 0.4rem 0; font: 14px/1.4 var(--sans-serif);";
  form.addEventListener("submit", (event) => event.preventDefault());
  const name = document.createElement("label");
  name.htmlFor = id;
  name.textContent = label;
  name.style.cssText = "min-width: 7.5rem; font-weight: 500;";
  const range = document.createElement("input");
  range.type = "range";
  range.id = id;
  range.min = "0";
  range.max = String(last);
  range.step = "1";
  range.value = String(clamp(options.value ?? 0));
  range.style.cssText = "width: min(28rem, 60vw);";
  const output = document.createElement("output");
  output.htmlFor.add(id);
  output.style.cssText = "min-width: 12em; font-variant-numeric: tabular-nums;";
  const button = document.createElement("button");
  button.type = "button";
  button.style.cssText = "min-width: 5.5em;";
  form.append(name, range, button, output);

  let frame = 0; // requestAnimationFrame handle while playing
  const show = () => {
    output.textContent = describe(Number(range.value));
    range.setAttribute("aria-valuetext", output.textContent);
    button.textContent = frame ? "❚❚ Pause" : "▶ Play";
    button.setAttribute("aria-pressed", String(frame !== 0));
  };
  const emit = () => form.dispatchEvent(new Event("input", { bubbles: true }));
  const stop = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    show();
  };
  const play = () => {
    const from = Number(range.value) === last ? 0 : Number(range.value);
    const began = performance.now();
    const tick = (now: number) => {
      // Removed from the page (its cell re-ran): stop without emitting.
      if (!form.isConnected) return stop();
      const next = clamp(from + ((now - began) * fps) / 1000);
      if (String(next) !== range.value) {
        range.value = String(next);
        show();
        emit();
      }
      if (next === last) return stop();
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    if (from !== Number(range.value)) {
      range.value = String(from);
      emit();
    }
    show();
  };
  button.addEventListener("click", () => (frame ? stop() : play()));
  range.addEventListener("input", () => show());
  show();
  Object.defineProperty(form, "value", { get: () => Number(range.value) });
  return form as Control<number>;
}
