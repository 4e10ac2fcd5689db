/**
 * The forward (noising) process q of Ho et al. (2020), two ways:
 *   (2) one step at a time   x_t = √(1 − β_t) x_{t−1} + √β_t ε_t
 *   (4) in closed form       x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε
 * They agree in law, not sample by sample: the chain's sum of t scaled normals is one normal of
 * variance 1 − ᾱ_t. Training uses (4); (2) is for showing the process and for checking (4).
 *
 * Times are schedule indices (0 = the paper's t = 1); −1 stands for the clean data x_0 (ᾱ = 1).
 */

import { Rng } from "./random.js";
import type { Schedule } from "./schedule.js";

export interface NoisedBatch {
  /** x_t, interleaved like x_0. */
  xt: Float64Array;
  /** The ε that produced x_t (the training target of an ε-model). */
  eps: Float64Array;
}

function checkIndex(schedule: Schedule, t: number, name: string): void {
  if (!Number.isInteger(t) || t < -1 || t >= schedule.T) {
    throw new RangeError(`${name} must be an integer from -1 to ${schedule.T - 1}, got ${t}`);
  }
}

function checkPoints(x0: Float64Array): void {
  if (x0.length % 2 !== 0) throw new RangeError(`x0 must hold interleaved 2D points (even length), got ${x0.length}`);
}

/**
 * Samples q(x_t | x_0) in closed form (eq. 4). `t` is one index for the whole batch or one per point
 * (as in training, where every point gets its own t). `noise` is an Rng to draw ε from, or ε itself
 * (same length as x0), which is then returned as `eps` without copying.
 */
export function qSample(
  schedule: Schedule,
  x0: Float64Array,
  t: number | ArrayLike<number>,
  noise: Rng | Float64Array,
): NoisedBatch {
  checkPoints(x0);
  const n = x0.length / 2;
  if (typeof t === "number") checkIndex(schedule, t, "t");
  else {
    if (t.length !== n) throw new RangeError(`t must hold one index per point (${n}), got ${t.length}`);
    for (let i = 0; i < n; i++) checkIndex(schedule, t[i], `t[${i}]`);
  }
  let eps: Float64Array;
  if (noise instanceof Rng) eps = noise.normals(x0.length);
  else if (noise.length === x0.length) eps = noise;
  else throw new RangeError(`noise must have the length of x0 (${x0.length}), got ${noise.length}`);

  const xt = new Float64Array(x0.length);
  for (let i = 0; i < n; i++) {
    const ti = typeof t === "number" ? t : t[i];
    const a = ti < 0 ? 1 : schedule.sqrtAlphaBars[ti]; // √ᾱ_t
    const s = ti < 0 ? 0 : schedule.sqrtOneMinusAlphaBars[ti]; // √(1 − ᾱ_t)
    xt[2 * i] = a * x0[2 * i] + s * eps[2 * i];
    xt[2 * i + 1] = a * x0[2 * i + 1] + s * eps[2 * i + 1];
  }
  return { xt, eps };
}

export interface ChainOptions {
  /** Indices (−1 … T − 1) at which to keep a copy of x; default [T − 1]. */
  record?: number[];
}

/**
 * Runs the Markov chain (eq. 2) from x_0, one step at a time, and returns copies of x at the requested
 * indices, keyed by index in ascending order. Steps past the last requested index are not taken.
 */
export function forwardChain(
  schedule: Schedule,
  x0: Float64Array,
  rng: Rng,
  options: ChainOptions = {},
): Map<number, Float64Array> {
  checkPoints(x0);
  const record = [...new Set(options.record ?? [schedule.T - 1])].sort((a, b) => a - b);
  for (const index of record) checkIndex(schedule, index, "record index");
  const out = new Map<number, Float64Array>();
  if (record.length === 0) return out;

  const x = Float64Array.from(x0);
  let next = 0;
  if (record[0] === -1) {
    out.set(-1, Float64Array.from(x));
    next = 1;
  }
  const last = record[record.length - 1];
  for (let i = 0; i <= last; i++) {
    const keep = Math.sqrt(schedule.alphas[i]); // √(1 − β_t)
    const add = Math.sqrt(schedule.betas[i]); // √β_t
    for (let j = 0; j < x.length; j++) x[j] = keep * x[j] + add * rng.normal();
    if (record[next] === i) {
      out.set(i, Float64Array.from(x));
      next++;
    }
  }
  return out;
}
