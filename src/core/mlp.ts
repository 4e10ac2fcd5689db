/**
 * The denoising network: a 34-128-128-128-2 multilayer perceptron with SiLU, in plain TypeScript.
 *
 * Input  u = [x_t,x, x_t,y, e(t)], with e the 32-value sinusoidal embedding of the schedule index t (embedding.ts).
 * Layers h_l = SiLU(h_{l−1} W_l + b_l) for l = 1, 2, 3, output y = h_3 W_4 + b_4 (no activation);
 * SiLU(z) = z σ(z) = z / (1 + e^(−z)). The output is ε̂, x̂_0 or v̂, depending on the parameterization.
 *
 * Parameters are one flat Float32Array, layer after layer: W_l (fan-in × fan-out, row-major, so
 * W_l[i][j] = data[weight + i·out + j]) then b_l. Every engine (tfjs, the fused kernels, ONNX export)
 * reads and writes this layout; this file's float64 forward pass is the reference they are checked against.
 */

import type { Denoiser } from "./denoiser.js";
import { EMBEDDING_DIM, type EmbeddingRows, timeEmbedding } from "./embedding.js";
import type { Parameterization } from "./parameterization.js";
import { Rng } from "./random.js";

export const MLP_INPUT_DIM = 2 + EMBEDDING_DIM;
export const MLP_HIDDEN = 128;
export const MLP_OUTPUT_DIM = 2;
export const MLP_DIMS: readonly number[] = [MLP_INPUT_DIM, MLP_HIDDEN, MLP_HIDDEN, MLP_HIDDEN, MLP_OUTPUT_DIM];

export interface LayerSlot {
  fanIn: number;
  fanOut: number;
  /** Offset of W_l in the flat parameters. */
  weight: number;
  /** Offset of b_l. */
  bias: number;
}

export interface MlpLayout {
  layers: LayerSlot[];
  /** Total number of parameters (37 762 for MLP_DIMS). */
  size: number;
}

/** Where each layer's weight and bias sit in the flat parameter array. */
export function mlpLayout(dims: readonly number[] = MLP_DIMS): MlpLayout {
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`dims must list at least two positive integers, got [${dims.join(", ")}]`);
  }
  const layers: LayerSlot[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const fanIn = dims[l];
    const fanOut = dims[l + 1];
    layers.push({ fanIn, fanOut, weight: offset, bias: offset + fanIn * fanOut });
    offset += fanIn * fanOut + fanOut;
  }
  return { layers, size: offset };
}

/** Fresh parameters: W_l ~ N(0, 1/fan-in) (variance-preserving through the layers), b_l = 0. */
export function initMlpParams(seed: number, dims: readonly number[] = MLP_DIMS): Float32Array {
  const rng = new Rng(seed);
  const { layers, size } = mlpLayout(dims);
  const params = new Float32Array(size);
  for (const { fanIn, fanOut, weight } of layers) {
    const std = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < fanIn * fanOut; i++) params[weight + i] = std * rng.normal();
  }
  return params;
}

/** Writes the network input u = [x, y, e(t)] for one point into `out` at `offset` (MLP_INPUT_DIM values). */
export function writeMlpInput<A extends Float32Array | Float64Array>(
  x: number,
  y: number,
  t: number,
  out: A,
  offset = 0,
): A {
  out[offset] = x;
  out[offset + 1] = y;
  return timeEmbedding(t, out, offset + 2);
}

/**
 * Writes the input rows of a batch, row i = [xt[2i], xt[2i+1], e(t[i])], into `out` (B × MLP_INPUT_DIM,
 * row-major float32), looking the embeddings up in `rows`: what every training engine feeds its network.
 */
export function writeMlpInputRows(xt: ArrayLike<number>, t: ArrayLike<number>, rows: EmbeddingRows, out: Float32Array): Float32Array {
  const n = t.length;
  if (xt.length !== 2 * n) throw new RangeError(`xt must hold 2·${n} values, got ${xt.length}`);
  if (out.length !== n * MLP_INPUT_DIM) throw new RangeError(`out must hold ${n}·${MLP_INPUT_DIM} values, got ${out.length}`);
  for (let i = 0; i < n; i++) {
    const at = i * MLP_INPUT_DIM;
    out[at] = xt[2 * i];
    out[at + 1] = xt[2 * i + 1];
    out.set(rows.row(t[i]), at + 2);
  }
  return out;
}

/**
 * The reference forward pass in float64: the network output for interleaved points `xt` at schedule
 * index `t` (one for the batch, or one per point). Slow and simple on purpose.
 */
export function mlpForward(
  params: Float32Array,
  xt: Float64Array,
  t: number | ArrayLike<number>,
  dims: readonly number[] = MLP_DIMS,
): Float64Array {
  const { layers, size } = mlpLayout(dims);
  if (params.length !== size) throw new RangeError(`params must hold ${size} values, got ${params.length}`);
  if (dims[0] !== MLP_INPUT_DIM || dims[dims.length - 1] !== MLP_OUTPUT_DIM) {
    throw new RangeError(`dims must start at ${MLP_INPUT_DIM} and end at ${MLP_OUTPUT_DIM}, got [${dims.join(", ")}]`);
  }
  if (xt.length % 2 !== 0) throw new RangeError(`xt must hold interleaved 2D points (even length), got ${xt.length}`);
  const n = xt.length / 2;
  if (typeof t !== "number" && t.length !== n) {
    throw new RangeError(`t must hold one index per point (${n}), got ${t.length}`);
  }
  const out = new Float64Array(xt.length);
  const width = Math.max(...dims);
  let h = new Float64Array(width);
  let next = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    writeMlpInput(xt[2 * i], xt[2 * i + 1], typeof t === "number" ? t : t[i], h);
    layers.forEach(({ fanIn, fanOut, weight, bias }, l) => {
      for (let j = 0; j < fanOut; j++) {
        let z = params[bias + j];
        for (let k = 0; k < fanIn; k++) z += h[k] * params[weight + k * fanOut + j];
        next[j] = l + 1 < layers.length ? z / (1 + Math.exp(-z)) : z;
      }
      [h, next] = [next, h];
    });
    out[2 * i] = h[0];
    out[2 * i + 1] = h[1];
  }
  return out;
}

/** A trained network as a Denoiser (reference speed; engines provide fast ones). */
export function mlpDenoiser(params: Float32Array, parameterization: Parameterization): Denoiser {
  return { parameterization, predict: (x, t) => mlpForward(params, x, t) };
}
