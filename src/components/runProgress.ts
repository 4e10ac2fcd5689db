/**
 * A status line for work in the page: a message, and a progress bar that appears only once the work has
 * taken longer than `delayMs` (300 ms by default), so quick runs do not flash. Its state is also in
 * data-state ("idle", "running", "done", "failed"); data-runs counts the starts and data-abandoned the
 * runs stopped for a newer one, for scripts and tests.
 */

export interface RunProgress {
  element: HTMLElement;
  /** A new piece of work begins. */
  start(message: string): void;
  /** A new message for the work in progress. */
  say(message: string): void;
  update(done: number, total: number): void;
  finish(message: string): void;
  fail(message: string): void;
  /** A run stopped because a newer one replaced it: counted, the display is the newer run's. */
  abandon(): void;
}

export function runProgress(options: { delayMs?: number; document?: Document } = {}): RunProgress {
  const { delayMs = 300, document = globalThis.document } = options;
  const element = document.createElement("div");
  element.className = "run-progress";
  element.dataset.state = "idle";
  element.dataset.runs = "0";
  element.dataset.abandoned = "0";
  element.setAttribute("role", "status");
  element.style.cssText = "display: flex; align-items: center; gap: 0.75rem; min-height: 1.6em; font: 14px/1.4 var(--sans-serif);";
  const bar = document.createElement("progress");
  bar.max = 1;
  bar.value = 0;
  bar.hidden = true;
  bar.style.cssText = "width: min(16rem, 40vw);";
  const text = document.createElement("span");
  element.append(bar, text);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let painted = -Infinity;
  const settle = (state: string, message: string) => {
    clearTimeout(timer);
    bar.hidden = true;
    element.dataset.state = state;
    text.textContent = message;
  };
  return {
    element,
    start(message) {
      clearTimeout(timer);
      element.dataset.runs = String(Number(element.dataset.runs) + 1);
      element.dataset.state = "running";
      text.textContent = message;
      bar.value = 0;
      bar.hidden = true;
      painted = -Infinity;
      timer = setTimeout(() => (bar.hidden = false), delayMs);
    },
    say(message) {
      text.textContent = message;
    },
    update(done, total) {
      // A 1000-step run reports every step: touch the page at most every 50 ms, and at the end.
      const now = performance.now();
      if (now - painted < 50 && done < total) return;
      painted = now;
      bar.max = Math.max(total, 1);
      bar.value = done;
      bar.setAttribute("aria-valuetext", `${done} of ${total}`);
    },
    finish: (message) => settle("done", message),
    fail: (message) => settle("failed", message),
    abandon() {
      element.dataset.abandoned = String(Number(element.dataset.abandoned) + 1);
    },
  };
}
