/**
 * The forward pass of mlp.ts, reorganised for speed but not for precision: the same float32 weights,
 * float64 arithmetic, so it agrees with `mlpForward` to rounding (~1e-15), about 2.5× faster.
 *
 * Two things make it fast:
 *   1. One t per batch, so the embedding's share of the first layer is a per-batch bias:
 *      z_1 = x W_1[0] + y W_1[1] + (b_1 + e(t) W_1[2 … 33]), which leaves 2 multiply-adds per unit per point.
 *   2. The hidden layers run four points at a time (i-k-j order): each weight row W_l[k] is read once and
 *      feeds four accumulator rows, contiguous in j, so the inner loop streams memory in order.
 */

import { timeEmbedding } from "../../core/embedding.js";
import { MLP_DIMS, MLP_INPUT_DIM, MLP_OUTPUT_DIM, mlpLayout } from "../../core/mlp.js";

/** Points processed together in the hidden layers. */
const ROWS = 4;

interface Layer {
  fanIn: number;
  fanOut: number;
  /** W_l as a view into the parameters (fan-in × fan-out, row-major). */
  W: Float32Array;
  b: Float32Array;
}

export class BatchedMlp {
  readonly #layers: Layer[];
  readonly #embedding: Float64Array;
  /** b_1 + e(t) W_1[2 …], recomputed when t changes. */
  readonly #firstBias: Float64Array;
  #firstBiasT = Number.NaN;
  #h = new Float64Array(0);
  #next = new Float64Array(0);

  /** `params` in the layout of mlp.ts, viewed rather than copied: leave them unchanged while in use. */
  constructor(params: Float32Array, dims: readonly number[] = MLP_DIMS) {
    const { layers, size } = mlpLayout(dims);
    if (params.length !== size) throw new RangeError(`params must hold ${size} values, got ${params.length}`);
    if (dims[0] !== MLP_INPUT_DIM || dims[dims.length - 1] !== MLP_OUTPUT_DIM || dims.length < 3) {
      throw new RangeError(
        `dims must start at ${MLP_INPUT_DIM}, end at ${MLP_OUTPUT_DIM} and have a hidden layer, got [${dims.join(", ")}]`,
      );
    }
    this.#layers = layers.map(({ fanIn, fanOut, weight, bias }) => ({
      fanIn,
      fanOut,
      W: params.subarray(weight, weight + fanIn * fanOut),
      b: params.subarray(bias, bias + fanOut),
    }));
    this.#embedding = new Float64Array(MLP_INPUT_DIM - 2);
    this.#firstBias = new Float64Array(dims[1]);
  }

  /** The network output for interleaved points `xt` (2n values), all at schedule index t. */
  forward(xt: Float64Array, t: number, out = new Float64Array(xt.length)): Float64Array {
    if (xt.length % 2 !== 0) throw new RangeError(`xt must hold interleaved 2D points (even length), got ${xt.length}`);
    if (out.length !== xt.length) throw new RangeError(`out must hold ${xt.length} values, got ${out.length}`);
    const n = xt.length / 2;
    const width = Math.max(...this.#layers.map((layer) => layer.fanOut));
    if (this.#h.length < n * width) {
      this.#h = new Float64Array(n * width);
      this.#next = new Float64Array(n * width);
    }
    this.#first(xt, t, n);
    const last = this.#layers.length - 1;
    for (let l = 1; l < last; l++) {
      this.#hidden(this.#layers[l], n);
      [this.#h, this.#next] = [this.#next, this.#h];
    }
    this.#output(this.#layers[last], n, out);
    return out;
  }

  /** 1. h_1 = SiLU(x W_1[0] + y W_1[1] + b'_1(t)). */
  #first(xt: Float64Array, t: number, n: number): void {
    const { fanIn, fanOut, W, b } = this.#layers[0];
    const bias = this.#firstBias;
    if (t !== this.#firstBiasT) {
      timeEmbedding(t, this.#embedding);
      for (let j = 0; j < fanOut; j++) bias[j] = b[j];
      for (let k = 2; k < fanIn; k++) {
        const e = this.#embedding[k - 2];
        const row = k * fanOut;
        for (let j = 0; j < fanOut; j++) bias[j] += e * W[row + j];
      }
      this.#firstBiasT = t;
    }
    const h = this.#h;
    for (let i = 0; i < n; i++) {
      const x = xt[2 * i];
      const y = xt[2 * i + 1];
      const o = i * fanOut;
      for (let j = 0; j < fanOut; j++) {
        const z = bias[j] + x * W[j] + y * W[fanOut + j];
        h[o + j] = z / (1 + Math.exp(-z));
      }
    }
  }

  /** 2. next = SiLU(h W_l + b_l), ROWS points per pass over W_l. */
  #hidden({ fanIn, fanOut, W, b }: Layer, n: number): void {
    const h = this.#h;
    const next = this.#next;
    let i = 0;
    for (; i + ROWS <= n; i += ROWS) {
      const h0 = i * fanIn;
      const h1 = h0 + fanIn;
      const h2 = h1 + fanIn;
      const h3 = h2 + fanIn;
      const o0 = i * fanOut;
      const o1 = o0 + fanOut;
      const o2 = o1 + fanOut;
      const o3 = o2 + fanOut;
      for (let j = 0; j < fanOut; j++) {
        next[o0 + j] = b[j];
        next[o1 + j] = b[j];
        next[o2 + j] = b[j];
        next[o3 + j] = b[j];
      }
      for (let k = 0; k < fanIn; k++) {
        const a0 = h[h0 + k];
        const a1 = h[h1 + k];
        const a2 = h[h2 + k];
        const a3 = h[h3 + k];
        const row = k * fanOut;
        for (let j = 0; j < fanOut; j++) {
          const w = W[row + j];
          next[o0 + j] += a0 * w;
          next[o1 + j] += a1 * w;
          next[o2 + j] += a2 * w;
          next[o3 + j] += a3 * w;
        }
      }
    }
    for (; i < n; i++) {
      const o = i * fanOut;
      for (let j = 0; j < fanOut; j++) next[o + j] = b[j];
      for (let k = 0; k < fanIn; k++) {
        const a = h[i * fanIn + k];
        const row = k * fanOut;
        for (let j = 0; j < fanOut; j++) next[o + j] += a * W[row + j];
      }
    }
    for (let m = 0; m < n * fanOut; m++) {
      const z = next[m];
      next[m] = z / (1 + Math.exp(-z));
    }
  }

  /** 3. y = h W_L + b_L, no activation, written interleaved. */
  #output({ fanIn, W, b }: Layer, n: number, out: Float64Array): void {
    const h = this.#h;
    for (let i = 0; i < n; i++) {
      let y0 = b[0];
      let y1 = b[1];
      const o = i * fanIn;
      for (let k = 0; k < fanIn; k++) {
        const a = h[o + k];
        y0 += a * W[2 * k];
        y1 += a * W[2 * k + 1];
      }
      out[2 * i] = y0;
      out[2 * i + 1] = y1;
    }
  }
}
