/**
 * The fused training kernel in plain TypeScript: Float32Array storage, loops in i-k-j order so the
 * innermost loop walks contiguous rows, four batch rows at a time so each weight loaded feeds four
 * multiply-adds. Runs in any JavaScript engine; the reference for the WebAssembly kernel.
 */

import { type LayerSlot, MLP_DIMS, mlpLayout } from "../../core/mlp.js";
import { type AdamOptions, checkBatchSize, checkDims } from "../../core/training/engine.js";
import { checkAdamStep, type TrainKernel } from "./kernel.js";

/** Z (B × N) = bias + A (B × K) · W (K × N). */
function dense(a: Float32Array, w: Float32Array, wOffset: number, bOffset: number, z: Float32Array, B: number, K: number, N: number) {
  let i = 0;
  for (; i + 4 <= B; i += 4) {
    const z0 = i * N, z1 = z0 + N, z2 = z1 + N, z3 = z2 + N;
    for (let j = 0; j < N; j++) {
      const b = w[bOffset + j];
      z[z0 + j] = b;
      z[z1 + j] = b;
      z[z2 + j] = b;
      z[z3 + j] = b;
    }
    for (let k = 0; k < K; k++) {
      const a0 = a[i * K + k], a1 = a[(i + 1) * K + k], a2 = a[(i + 2) * K + k], a3 = a[(i + 3) * K + k];
      const wk = wOffset + k * N;
      for (let j = 0; j < N; j++) {
        const wv = w[wk + j];
        z[z0 + j] += a0 * wv;
        z[z1 + j] += a1 * wv;
        z[z2 + j] += a2 * wv;
        z[z3 + j] += a3 * wv;
      }
    }
  }
  for (; i < B; i++) {
    const zi = i * N;
    for (let j = 0; j < N; j++) z[zi + j] = w[bOffset + j];
    for (let k = 0; k < K; k++) {
      const ak = a[i * K + k];
      const wk = wOffset + k * N;
      for (let j = 0; j < N; j++) z[zi + j] += ak * w[wk + j];
    }
  }
}

/** G_W (K × N) = Aᵀ D and G_b = Σ_i D[i] for A (B × K), D (B × N); four rows of D per pass over G_W. */
function weightGradient(a: Float32Array, d: Float32Array, g: Float32Array, wOffset: number, bOffset: number, B: number, K: number, N: number) {
  g.fill(0, wOffset, bOffset + N);
  let i = 0;
  for (; i + 4 <= B; i += 4) {
    const d0 = i * N, d1 = d0 + N, d2 = d1 + N, d3 = d2 + N;
    for (let k = 0; k < K; k++) {
      const a0 = a[i * K + k], a1 = a[(i + 1) * K + k], a2 = a[(i + 2) * K + k], a3 = a[(i + 3) * K + k];
      const gk = wOffset + k * N;
      for (let j = 0; j < N; j++) g[gk + j] += a0 * d[d0 + j] + a1 * d[d1 + j] + a2 * d[d2 + j] + a3 * d[d3 + j];
    }
    for (let j = 0; j < N; j++) g[bOffset + j] += d[d0 + j] + d[d1 + j] + d[d2 + j] + d[d3 + j];
  }
  for (; i < B; i++) {
    const di = i * N;
    for (let k = 0; k < K; k++) {
      const ak = a[i * K + k];
      const gk = wOffset + k * N;
      for (let j = 0; j < N; j++) g[gk + j] += ak * d[di + j];
    }
    for (let j = 0; j < N; j++) g[bOffset + j] += d[di + j];
  }
}

/** Out (B × K) = D (B × N) Wᵀ for W (K × N): row-by-row dot products, four rows of D per row of W. */
function backProject(d: Float32Array, w: Float32Array, wOffset: number, out: Float32Array, B: number, K: number, N: number) {
  let i = 0;
  for (; i + 4 <= B; i += 4) {
    const d0 = i * N, d1 = d0 + N, d2 = d1 + N, d3 = d2 + N;
    for (let k = 0; k < K; k++) {
      const wk = wOffset + k * N;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < N; j++) {
        const wv = w[wk + j];
        s0 += d[d0 + j] * wv;
        s1 += d[d1 + j] * wv;
        s2 += d[d2 + j] * wv;
        s3 += d[d3 + j] * wv;
      }
      out[i * K + k] = s0;
      out[(i + 1) * K + k] = s1;
      out[(i + 2) * K + k] = s2;
      out[(i + 3) * K + k] = s3;
    }
  }
  for (; i < B; i++) {
    for (let k = 0; k < K; k++) {
      const wk = wOffset + k * N;
      let s = 0;
      for (let j = 0; j < N; j++) s += d[i * N + j] * w[wk + j];
      out[i * K + k] = s;
    }
  }
}

export class JsKernel implements TrainKernel {
  readonly name = "js";
  readonly batchSize: number;
  readonly dims: readonly number[];
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  #layers: LayerSlot[];
  #params: Float32Array;
  #grad: Float32Array;
  #m: Float32Array;
  #v: Float32Array;
  /** Pre-activations z_l and activations h_l of each layer (h_0 is the input). */
  #z: Float32Array[];
  #h: Float32Array[];
  /** ∂loss/∂z of the current layer and of the one below. */
  #delta: Float32Array;
  #deltaBelow: Float32Array;

  constructor(batchSize: number, params: Float32Array, dims: readonly number[] = MLP_DIMS) {
    checkBatchSize(batchSize);
    checkDims(dims);
    this.batchSize = batchSize;
    this.dims = [...dims];
    const { layers, size } = mlpLayout(dims);
    this.#layers = layers;
    this.#params = new Float32Array(size);
    this.#grad = new Float32Array(size);
    this.#m = new Float32Array(size);
    this.#v = new Float32Array(size);
    this.inputs = new Float32Array(batchSize * dims[0]);
    this.targets = new Float32Array(batchSize * dims[dims.length - 1]);
    this.#z = layers.map((l) => new Float32Array(batchSize * l.fanOut));
    this.#h = [this.inputs, ...layers.map((l) => new Float32Array(batchSize * l.fanOut))];
    const widest = Math.max(...dims);
    this.#delta = new Float32Array(batchSize * widest);
    this.#deltaBelow = new Float32Array(batchSize * widest);
    this.setParams(params);
  }

  computeGradient(): number {
    const B = this.batchSize;
    const p = this.#params;
    const layers = this.#layers;
    const last = layers.length - 1;
    // Forward: z_l = h_{l−1} W_l + b_l, h_l = SiLU(z_l) (identity on the last layer).
    layers.forEach(({ fanIn, fanOut, weight, bias }, l) => {
      const z = this.#z[l];
      const h = this.#h[l + 1];
      dense(this.#h[l], p, weight, bias, z, B, fanIn, fanOut);
      if (l === last) h.set(z);
      else for (let i = 0; i < z.length; i++) h[i] = z[i] / (1 + Math.exp(-z[i]));
    });
    // Loss = mean (y − target)², so ∂loss/∂y = 2 (y − target) / (2B).
    const y = this.#h[last + 1];
    const scale = 2 / y.length;
    let delta = this.#delta;
    let below = this.#deltaBelow;
    let sum = 0;
    for (let i = 0; i < y.length; i++) {
      const d = y[i] - this.targets[i];
      sum += d * d;
      delta[i] = scale * d;
    }
    // Backward, layer by layer from the top.
    const g = this.#grad;
    for (let l = last; l >= 0; l--) {
      const { fanIn: K, fanOut: N, weight, bias } = layers[l];
      const hIn = this.#h[l];
      // ∂W_l = h_{l−1}ᵀ δ_l and ∂b_l = Σ_i δ_l[i].
      weightGradient(hIn, delta, g, weight, bias, B, K, N);
      if (l === 0) break;
      // δ_{l−1} = (δ_l W_lᵀ) ⊙ SiLU'(z_{l−1}), SiLU'(z) = σ(z)(1 + z(1 − σ(z))).
      backProject(delta, p, weight, below, B, K, N);
      const zBelow = this.#z[l - 1];
      for (let i = 0; i < B * K; i++) {
        const z = zBelow[i];
        const sig = 1 / (1 + Math.exp(-z));
        below[i] *= sig * (1 + z * (1 - sig));
      }
      [delta, below] = [below, delta];
    }
    return sum / y.length;
  }

  gradient(): Float32Array {
    return this.#grad.slice();
  }

  adamStep(k: number, adam: AdamOptions): void {
    checkAdamStep(k, adam);
    const { lr, beta1, beta2, epsilon } = adam;
    const lrOverC1 = lr / (1 - beta1 ** k);
    const invC2 = 1 / (1 - beta2 ** k);
    const p = this.#params, g = this.#grad, m = this.#m, v = this.#v;
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] -= (lrOverC1 * m[i]) / (Math.sqrt(v[i] * invC2) + epsilon);
    }
  }

  params(): Float32Array {
    return this.#params.slice();
  }

  setParams(params: Float32Array): void {
    const size = this.#params.length;
    if (params.length !== size) throw new RangeError(`params must hold ${size} values, got ${params.length}`);
    this.#params.set(params);
    this.#m.fill(0);
    this.#v.fill(0);
  }

  dispose(): void {}
}
