/**
 * A slider over the frames of an animation with a play button: playing moves frame by frame to the last
 * one at `fps` and stops there (from the last frame, it starts again at the first). Its value is the
 * frame index; `describe` says what a frame is ("t = 420"). The range input and the button are native,
 * so arrow keys, Home, End, Space and Enter work as usual.
 *
 * Its `position` is where the animation is between frames (fractional while playing, the frame index
 * otherwise), announced by a "position" event at every screen refresh while playing and at every change
 * of frame: a picture that follows it moves at the screen's rate, not only `fps` times a second.
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

export type FrameScrubber = Control<number> & { readonly position: number };

export function frameScrubber(options: FrameScrubberOptions): FrameScrubber {
  const { frames, label = "Frame", fps = 20, describe = (frame) => `frame ${frame + 1} of ${frames}`, document = globalThis.document } = options;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a positive integer, got ${frames}`);
  if (!(fps > 0 && fps <= 120)) throw new RangeError(`fps must be in (0, 120], got ${fps}`);
  const last = frames - 1;
  const clamp = (f: number) => Math.max(0, Math.min(last, Math.round(f)));
  // The document's own window: its events and animation frames (a test's document has its own).
  const view = (document.defaultView ?? globalThis) as Window & typeof globalThis;
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
  let position = Number(range.value);
  const show = () => {
    output.textContent = describe(Number(range.value));
    range.setAttribute("aria-valuetext", output.textContent);
    button.textContent = frame ? "❚❚ Pause" : "▶ Play";
    button.setAttribute("aria-pressed", String(frame !== 0));
  };
  const emit = () => form.dispatchEvent(new view.Event("input", { bubbles: true }));
  const moveTo = (at: number) => {
    position = at;
    form.dispatchEvent(new view.Event("position"));
  };
  const stop = () => {
    if (frame) view.cancelAnimationFrame(frame);
    frame = 0;
    show();
    // Paused between frames: the picture settles on the frame the slider shows.
    if (position !== Number(range.value)) moveTo(Number(range.value));
  };
  const play = () => {
    const from = Number(range.value) === last ? 0 : Number(range.value);
    const began = view.performance.now();
    const tick = (now: number) => {
      // Removed from the page (its cell re-ran): stop without emitting.
      if (!form.isConnected) return stop();
      const at = Math.min(last, from + (Math.max(0, now - began) * fps) / 1000);
      const next = clamp(Math.floor(at));
      if (String(next) !== range.value) {
        range.value = String(next);
        show();
        emit();
      }
      moveTo(at);
      if (next === last) return stop();
      frame = view.requestAnimationFrame(tick);
    };
    frame = view.requestAnimationFrame(tick);
    if (from !== Number(range.value)) {
      range.value = String(from);
      emit();
      moveTo(from);
    }
    show();
  };
  button.addEventListener("click", () => (frame ? stop() : play()));
  range.addEventListener("input", () => {
    show();
    moveTo(Number(range.value));
  });
  show();
  Object.defineProperty(form, "value", { get: () => Number(range.value) });
  Object.defineProperty(form, "position", { get: () => position });
  return form as unknown as FrameScrubber;
}
