/**
 * When a run counts as diverged, besides a NaN or infinite loss: its training loss stays far above the
 * loss of a network that outputs zero (the evaluation set's mean squared target, EvalSet's
 * `zeroOutputLoss`: 1 for ε, whose targets are standard normal). An untrained network starts about
 * there and a healthy run only falls below it (the default config from ≈ 1 to ≈ 0.2); `lr 1` sent the
 * loss to thousands and ended "completed".
 *
 * The rule: the loss of at least DIVERGENCE_STEPS of the last DIVERGENCE_WINDOW steps exceeds
 * DIVERGENCE_FACTOR × the zero-output loss. Counting steps rather than averaging them lets a lone
 * spike pass; a zero-output network on batches of one point (whose ε loss is exponentially
 * distributed) exceeds 10× on a step with probability e⁻¹⁰ ≈ 5·10⁻⁵.
 */

export const DIVERGENCE_FACTOR = 10;
export const DIVERGENCE_WINDOW = 100;
export const DIVERGENCE_STEPS = 50;

/** Watches the training loss step by step for the divergence rule above. */
export class DivergenceWatch {
  readonly limit: number;
  #over = new Uint8Array(DIVERGENCE_WINDOW);
  #count = 0;
  #next = 0;

  constructor(readonly zeroOutputLoss: number) {
    this.limit = DIVERGENCE_FACTOR * zeroOutputLoss;
  }

  /** Records a step's loss; true once the run has diverged. */
  add(loss: number): boolean {
    const over = loss > this.limit ? 1 : 0;
    this.#count += over - this.#over[this.#next];
    this.#over[this.#next] = over;
    this.#next = (this.#next + 1) % DIVERGENCE_WINDOW;
    return this.#count >= DIVERGENCE_STEPS;
  }

  /** Why the run counts as diverged, for TrainingDivergedError. */
  reason(): string {
    return `the loss exceeded ${DIVERGENCE_FACTOR} × that of a zero output (${this.zeroOutputLoss.toPrecision(3)}) on ` +
      `${this.#count} of the last ${DIVERGENCE_WINDOW} steps`;
  }
}
