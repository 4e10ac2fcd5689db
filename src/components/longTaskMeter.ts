/**
 * The main thread's long tasks (over 50 ms) while a run goes, by the browser's long-task timing: the run
 * panel's own measure of whether training leaves the page free.
 */
export interface LongTaskMeter {
  /** Counts from zero, from now on. */
  start(): void;
  stop(): void;
  /** The readout; `running`: a run is on screen (before the first one nothing has been measured). */
  summary(running: boolean): string;
}

/** `onTask` follows each batch of long tasks (to show the new summary). */
export function longTaskMeter(onTask: () => void): LongTaskMeter {
  let count = 0;
  let longest = 0;
  const observer = typeof PerformanceObserver !== "undefined" &&
      PerformanceObserver.supportedEntryTypes?.includes("longtask")
    ? new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        count++;
        longest = Math.max(longest, entry.duration);
      }
      onTask();
    })
    : undefined;
  return {
    start() {
      count = 0;
      longest = 0;
      observer?.observe({ type: "longtask" });
    },
    stop() {
      observer?.disconnect();
    },
    summary(running) {
      if (!observer) return "not measurable in this browser";
      if (!running) return "measured while training";
      return count === 0 ? "no task over 50 ms" : `${count} task${count === 1 ? "" : "s"} over 50 ms, the longest ${Math.round(longest)} ms`;
    },
  };
}
