/**
 * A task that runs at most once per `ms`: the first request schedules it `ms` later, and requests until
 * then join that run, so a burst of updates costs one redraw, which shows the latest of them.
 */
export interface ThrottledTask {
  request(): void;
  /** Runs the task now, in place of a scheduled run. */
  flush(): void;
  /** Drops a scheduled run. */
  cancel(): void;
}

export function throttledTask(task: () => void, ms: number): ThrottledTask {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    request() {
      timer ??= setTimeout(() => {
        timer = undefined;
        task();
      }, ms);
    },
    flush() {
      cancel();
      task();
    },
    cancel,
  };
}
