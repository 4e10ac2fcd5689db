/** The run's loss history: windowed means of the training loss, kept to a few thousand entries. */

/** The loss history keeps at most this many entries, merging neighbours when it would grow past it. */
export const MAX_HISTORY_ENTRIES = 4096;

/** Entry i is the mean training loss over the steps (steps[i−1], steps[i]] (steps[−1] = 0). */
export interface LossHistory {
  steps: number[];
  loss: number[];
}

/**
 * Windowed means of the training loss: one entry per `every` steps. Past MAX_HISTORY_ENTRIES it merges
 * neighbouring entries (a step-weighted mean, so each stays the exact mean of its window) and doubles
 * the window, so a 10⁶-step run keeps a few thousand numbers.
 */
export class LossLog {
  readonly steps: number[] = [];
  readonly loss: number[] = [];
  #every: number;
  #sum = 0;
  #count = 0;

  constructor(every: number) {
    this.#every = every;
  }

  add(step: number, loss: number): void {
    this.#sum += loss;
    this.#count++;
    if (step - (this.steps[this.steps.length - 1] ?? 0) >= this.#every) this.flush(step);
  }

  /** Closes the current window at `step` (no-op when empty). */
  flush(step: number): void {
    if (this.#count === 0) return;
    this.steps.push(step);
    this.loss.push(this.#sum / this.#count);
    this.#sum = 0;
    this.#count = 0;
    if (this.steps.length > MAX_HISTORY_ENTRIES) this.#halve();
  }

  #halve(): void {
    const steps: number[] = [];
    const loss: number[] = [];
    for (let i = 0; i < this.steps.length; i += 2) {
      const start = i === 0 ? 0 : this.steps[i - 1];
      if (i + 1 === this.steps.length) {
        steps.push(this.steps[i]);
        loss.push(this.loss[i]);
        break;
      }
      const a = this.steps[i] - start;
      const b = this.steps[i + 1] - this.steps[i];
      steps.push(this.steps[i + 1]);
      loss.push((a * this.loss[i] + b * this.loss[i + 1]) / (a + b));
    }
    this.steps.splice(0, Infinity, ...steps);
    this.loss.splice(0, Infinity, ...loss);
    this.#every *= 2;
  }

  snapshot(): LossHistory {
    return { steps: [...this.steps], loss: [...this.loss] };
  }
}
