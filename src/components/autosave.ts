/**
 * Keeping the latest network of a run for other pages without holding up the page: a save can take tens
 * of ms of the main thread, so while a run goes one is made at most every `everyMs`, each in a task of
 * its own; the end of the run saves whatever the interval, and `saveNow` serves a page that is being
 * left. The untrained network (step 0) is not worth keeping, and a step already kept is not saved again.
 */
export interface Autosave {
  /** A new checkpoint (`final`: the run has ended): save it soon, unless the last save is younger than everyMs. */
  request(final: boolean): void;
  saveNow(): void;
  /** A new run: its first checkpoint is saved without waiting. */
  reset(): void;
}

export interface AutosaveOptions<T extends { step: number }> {
  /** What there is to save now, if anything. */
  latest: () => T | undefined;
  save: (value: T) => void;
  everyMs: number;
  now?: () => number;
  /** Runs a save in a task of its own. */
  defer?: (task: () => void) => void;
}

export function autosave<T extends { step: number }>(options: AutosaveOptions<T>): Autosave {
  const { latest, save, everyMs, now = () => performance.now(), defer = (task) => setTimeout(task, 0) } = options;
  let requestedAt = -Infinity;
  let savedStep = -1;
  const saveNow = () => {
    const value = latest();
    if (!value || value.step === 0 || value.step === savedStep) return;
    savedStep = value.step;
    save(value);
  };
  return {
    request(final) {
      const value = latest();
      if (!value || value.step === 0) return;
      if (!final && now() - requestedAt < everyMs) return;
      requestedAt = now();
      defer(saveNow);
    },
    saveNow,
    reset() {
      requestedAt = -Infinity;
      savedStep = -1;
    },
  };
}
