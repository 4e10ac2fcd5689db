/**
 * How straight sampling trajectories are: the total length of the paths the points took from x_T to
 * their samples (each the sum of its step-to-step distances) over the total distance between those
 * ends, that is the mean path length over the mean end-to-end distance. 1 means every point moved on a
 * straight line (what one step, or a flow with straight paths, gives); larger means the paths bent or
 * wandered. It is what reflow straightens (Liu et al. 2022), and why few-step samplers can do well on a
 * straight field: an Euler step is exact on a straight path.
 *
 * A ratio of totals rather than a mean of each point's ratio: a point that ends near where it started
 * has a ratio without bound, and a few such points would decide a mean of ratios. A point that wanders
 * off and comes back still adds its path to the total, so it counts as bent.
 */

/** Accumulates the path length of every point as the states of a trajectory arrive, one after another. */
export class StraightnessMeter {
  readonly #start: Float64Array;
  #last: Float64Array;
  readonly #length: Float64Array;

  /** `start`: the interleaved points x_T = [x0, y0, x1, y1, …] where the trajectories begin. */
  constructor(start: Float64Array) {
    if (start.length === 0 || start.length % 2 !== 0) throw new RangeError(`start must hold 2D points (an even, non-zero length), got ${start.length} values`);
    this.#start = Float64Array.from(start);
    this.#last = this.#start;
    this.#length = new Float64Array(start.length / 2);
  }

  /** The next state of every point (the states must be given in the order the sampler visited them). */
  add(state: Float64Array): void {
    if (state.length !== this.#start.length) throw new RangeError(`state must hold ${this.#start.length} values, got ${state.length}`);
    for (let i = 0; i < this.#length.length; i++) {
      this.#length[i] += Math.hypot(state[2 * i] - this.#last[2 * i], state[2 * i + 1] - this.#last[2 * i + 1]);
    }
    this.#last = Float64Array.from(state);
  }

  /** Total path length over total end-to-end distance up to the last state added; NaN before any, or when no point moved away. */
  value(): number {
    let length = 0;
    let distance = 0;
    for (let i = 0; i < this.#length.length; i++) {
      length += this.#length[i];
      distance += Math.hypot(this.#last[2 * i] - this.#start[2 * i], this.#last[2 * i + 1] - this.#start[2 * i + 1]);
    }
    return distance === 0 ? NaN : length / distance;
  }
}

/** The straightness of trajectories given as their states in order, the first being where they start. */
export function straightness(states: readonly Float64Array[]): number {
  if (states.length < 2) throw new RangeError(`a trajectory needs at least 2 states, got ${states.length}`);
  const meter = new StraightnessMeter(states[0]);
  for (const state of states.slice(1)) meter.add(state);
  return meter.value();
}
