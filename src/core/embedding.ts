/**
 * The sinusoidal timestep embedding of the denoising network (Vaswani et al. 2017, as used by Ho et al. 2020).
 *
 * For a schedule index t (0 … T−1, fed as is) and D = EMBEDDING_DIM = 32, with H = D / 2 = 16:
 *   f_k      = 10000^(−k / H) = exp(−k · ln(10000) / H),   k = 0 … H−1
 *   e[k]     = sin(t · f_k)
 *   e[H + k] = cos(t · f_k)
 * so the first half holds the sines, the second half the cosines, from the fastest frequency (f_0 = 1) down.
 * An ONNX graph reproduces it as Mul(t, f) → Sin / Cos → Concat, with f from `embeddingFrequencies()`; it
 * computes t · f_k in float32 and so agrees with this float64 version to about 1e-4 at t ≈ 1000.
 */

export const EMBEDDING_DIM = 32;
/** The base of the geometric frequency ladder (the transformer's "10000"). */
export const EMBEDDING_MAX_PERIOD = 10000;

/** f_0 … f_{D/2−1}: the angular frequencies that multiply t. */
export function embeddingFrequencies(dim: number = EMBEDDING_DIM): Float64Array {
  if (!Number.isInteger(dim) || dim < 2 || dim % 2 !== 0) {
    throw new RangeError(`dim must be an even integer ≥ 2, got ${dim}`);
  }
  const half = dim / 2;
  const frequencies = new Float64Array(half);
  for (let k = 0; k < half; k++) frequencies[k] = Math.exp((-k * Math.log(EMBEDDING_MAX_PERIOD)) / half);
  return frequencies;
}

const DEFAULT_FREQUENCIES = embeddingFrequencies(EMBEDDING_DIM);

/**
 * Writes the embedding of t into `out` at `offset` (D values) and returns `out`.
 * `frequencies` defaults to the D = 32 ladder; pass `embeddingFrequencies(D)` for another width.
 */
export function timeEmbedding<A extends Float64Array | Float32Array>(
  t: number,
  out: A,
  offset = 0,
  frequencies: Float64Array = DEFAULT_FREQUENCIES,
): A {
  if (!Number.isFinite(t)) throw new RangeError(`t must be a finite number, got ${t}`);
  const half = frequencies.length;
  if (!Number.isInteger(offset) || offset < 0 || offset + 2 * half > out.length) {
    throw new RangeError(`offset must be an integer in [0, ${out.length - 2 * half}], got ${offset}`);
  }
  for (let k = 0; k < half; k++) {
    const angle = t * frequencies[k];
    out[offset + k] = Math.sin(angle);
    out[offset + half + k] = Math.cos(angle);
  }
  return out;
}

/** Row i holds the embedding of schedule index i, for i = 0 … T−1 (T × D, row-major): trainers look rows up. */
export function embeddingTable(T: number, dim: number = EMBEDDING_DIM): Float32Array {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  const frequencies = dim === EMBEDDING_DIM ? DEFAULT_FREQUENCIES : embeddingFrequencies(dim);
  const table = new Float32Array(T * dim);
  for (let i = 0; i < T; i++) timeEmbedding(i, table, i * dim, frequencies);
  return table;
}

/**
 * Embedding rows by schedule index, each computed on first use and kept (as float32): a trainer meets
 * the same T indices over and over without knowing T in advance.
 */
export class EmbeddingRows {
  #table = new Float32Array(0);
  #ready = new Uint8Array(0);

  /** e(t) for an integer t ≥ 0, as a view that stays valid until a larger t is first asked for. */
  row(t: number): Float32Array {
    if (!Number.isInteger(t) || t < 0 || t > 1e7) throw new RangeError(`t must be an integer from 0 to 1e7, got ${t}`);
    if (t >= this.#ready.length) {
      const size = Math.max(t + 1, 2 * this.#ready.length, 64);
      const table = new Float32Array(size * EMBEDDING_DIM);
      table.set(this.#table);
      const ready = new Uint8Array(size);
      ready.set(this.#ready);
      this.#table = table;
      this.#ready = ready;
    }
    if (!this.#ready[t]) {
      timeEmbedding(t, this.#table, t * EMBEDDING_DIM);
      this.#ready[t] = 1;
    }
    return this.#table.subarray(t * EMBEDDING_DIM, (t + 1) * EMBEDDING_DIM);
  }
}
