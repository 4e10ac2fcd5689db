/**
 * The TensorFlow.js training engine (TrainEngine of core/training/engine.ts), with two ways to the gradient:
 *   "autodiff"  tf.train.adam minimising the loss through tf's tape (tf.variableGrads): the textbook way.
 *   "manual"    the backward pass written out with tf ops (default; 3–4× faster on the wasm backend):
 *               every matMul is non-transposed, because the wasm backend's transposed matMul is ~15× slower
 *               than the plain one, so ∂W = hᵀ δ transposes h explicitly and δ Wᵀ reads a copy of Wᵀ kept
 *               beside W; the forward uses fused matMul + bias; Adam is written with the same ops.
 * Every intermediate lives inside tf.tidy; on cpu and wasm the loss is read synchronously (one float).
 */

import * as tf from "@tensorflow/tfjs";
import { EmbeddingRows } from "../../core/embedding.js";
import { MLP_INPUT_DIM, MLP_OUTPUT_DIM, writeMlpInputRows } from "../../core/mlp.js";
import {
  type AdamOptions,
  checkTrainBatch,
  type EngineOptions,
  resolveEngineOptions,
  type TrainBatch,
  type TrainEngine,
} from "../../core/training/engine.js";
import { type BackendOptions, type BackendReport, selectBackend } from "./backend.js";
import { TfjsMlp } from "./mlp.js";

export const GRADIENT_MODES = ["manual", "autodiff"] as const;
export type GradientMode = (typeof GRADIENT_MODES)[number];

export interface TfjsEngineOptions extends EngineOptions, BackendOptions {
  gradients?: GradientMode;
}

export class TfjsEngine implements TrainEngine {
  readonly name: string;
  readonly batchSize: number;
  readonly backend: BackendReport;
  readonly mlp: TfjsMlp;
  #mode: GradientMode;
  #adam: AdamOptions;
  #rows = new EmbeddingRows();
  #inputs: Float32Array;
  #k = 0;
  /** autodiff: tf's Adam, rebuilt when the learning rate changes. */
  #optimizer: tf.AdamOptimizer | undefined;
  /** manual: Wᵀ of every layer but the first (index l holds W_{l+1}ᵀ), and Adam's moments. */
  #transposed: (tf.Variable | undefined)[] = [];
  #moments: { m: tf.Variable; v: tf.Variable }[] = [];

  constructor(mlp: TfjsMlp, batchSize: number, adam: AdamOptions, mode: GradientMode, backend: BackendReport) {
    this.mlp = mlp;
    this.batchSize = batchSize;
    this.#adam = adam;
    this.#mode = mode;
    this.backend = backend;
    this.name = `tfjs-${backend.name}${mode === "autodiff" ? "-autodiff" : ""}`;
    this.#inputs = new Float32Array(batchSize * MLP_INPUT_DIM);
    if (mode === "autodiff") {
      this.#optimizer = tf.train.adam(adam.lr, adam.beta1, adam.beta2, adam.epsilon);
    } else {
      this.#transposed = mlp.weights.map((w, l) => (l === 0 ? undefined : tf.variable(tf.transpose(w))));
      this.#moments = [...mlp.weights, ...mlp.biases].map((p) => ({
        m: tf.variable(tf.zerosLike(p)),
        v: tf.variable(tf.zerosLike(p)),
      }));
    }
  }

  step(batch: TrainBatch, lr: number): number | Promise<number> {
    checkTrainBatch(batch, this.batchSize);
    if (!(lr > 0)) throw new RangeError(`lr must be positive, got ${lr}`);
    writeMlpInputRows(batch.xt, batch.t, this.#rows, this.#inputs);
    const input = tf.tensor2d(this.#inputs, [this.batchSize, MLP_INPUT_DIM]);
    const target = tf.tensor2d(batch.target, [this.batchSize, MLP_OUTPUT_DIM]);
    this.#k++;
    const loss = this.#mode === "autodiff" ? this.#autodiffStep(input, target, lr) : this.#manualStep(input, target, lr);
    input.dispose();
    target.dispose();
    // On cpu and wasm the value is already in memory, so reading it costs a copy; a GPU backend reads
    // it back asynchronously instead of stalling its queue (and cannot read synchronously in Deno).
    if (this.backend.name === "cpu" || this.backend.name === "wasm") {
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    }
    return loss.data().then((values) => {
      loss.dispose();
      return values[0];
    });
  }

  #autodiffStep(input: tf.Tensor2D, target: tf.Tensor2D, lr: number): tf.Scalar {
    // tf's Adam reads its learning rate field at every update.
    (this.#optimizer as unknown as { learningRate: number }).learningRate = lr;
    return this.#optimizer!.minimize(() => tf.losses.meanSquaredError(target, this.mlp.forward(input)) as tf.Scalar, true)!;
  }

  /**
   * The loss and its gradient w.r.t. [...weights, ...biases], written out: every matMul non-transposed.
   * Call inside tf.tidy.
   */
  #manualGradients(input: tf.Tensor2D, target: tf.Tensor2D): { loss: tf.Scalar; grads: tf.Tensor[] } {
    const { weights, biases } = this.mlp;
    const last = weights.length - 1;
    // Forward, keeping z_l and σ(z_l) for SiLU'.
    const h: tf.Tensor2D[] = [input];
    const z: tf.Tensor2D[] = [];
    const s: tf.Tensor2D[] = [];
    weights.forEach((w, l) => {
      z[l] = tf.fused.matMul({ a: h[l], b: w as tf.Tensor2D, bias: biases[l] }) as tf.Tensor2D;
      if (l === last) h[l + 1] = z[l];
      else {
        s[l] = tf.sigmoid(z[l]);
        h[l + 1] = tf.mul(z[l], s[l]);
      }
    });
    const diff = tf.sub(h[last + 1], target);
    const loss = tf.mean(tf.square(diff)) as tf.Scalar;
    // Backward: δ_L = 2 (y − target) / size; ∂W_l = h_{l−1}ᵀ δ_l; δ_{l−1} = (δ_l W_lᵀ) ⊙ σ(1 + z(1 − σ)).
    let delta = tf.mul(diff, 2 / diff.size) as tf.Tensor2D;
    const gradW: tf.Tensor[] = [];
    const gradB: tf.Tensor[] = [];
    for (let l = last; l >= 0; l--) {
      gradW[l] = tf.matMul(tf.transpose(h[l]), delta);
      gradB[l] = tf.sum(delta, 0);
      if (l > 0) {
        const back = tf.matMul(delta, this.#transposed[l] as tf.Tensor2D);
        const slope = tf.mul(s[l - 1], tf.add(1, tf.mul(z[l - 1], tf.sub(1, s[l - 1]))));
        delta = tf.mul(back, slope) as tf.Tensor2D;
      }
    }
    return { loss, grads: [...gradW, ...gradB] };
  }

  #manualStep(input: tf.Tensor2D, target: tf.Tensor2D, lr: number): tf.Scalar {
    const { weights, biases } = this.mlp;
    return tf.tidy(() => {
      const { loss, grads } = this.#manualGradients(input, target);
      // Adam, as in fused/kernel.wat: θ ← θ − (lr / c1) m / (√(v / c2) + ε).
      const { beta1, beta2, epsilon } = this.#adam;
      const lrOverC1 = lr / (1 - beta1 ** this.#k);
      const invC2 = 1 / (1 - beta2 ** this.#k);
      [...weights, ...biases].forEach((p, i) => {
        const g = grads[i];
        const { m, v } = this.#moments[i];
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(mNew);
        v.assign(vNew);
        p.assign(tf.sub(p, tf.div(tf.mul(mNew, lrOverC1), tf.add(tf.sqrt(tf.mul(vNew, invC2)), epsilon))));
      });
      for (let l = 1; l < weights.length; l++) this.#transposed[l]!.assign(tf.transpose(weights[l]));
      return loss;
    });
  }

  /**
   * The gradient of the batch loss at the current parameters, in the flat layout of core/mlp.ts, by this
   * engine's own route (the manual backward pass, or tf's tape): for checking engines against each other.
   */
  gradient(batch: TrainBatch): Float32Array {
    checkTrainBatch(batch, this.batchSize);
    writeMlpInputRows(batch.xt, batch.t, this.#rows, this.#inputs);
    const { weights, biases, layout } = this.mlp;
    const grads = tf.tidy(() => {
      const input = tf.tensor2d(this.#inputs, [this.batchSize, MLP_INPUT_DIM]);
      const target = tf.tensor2d(batch.target, [this.batchSize, MLP_OUTPUT_DIM]);
      if (this.#mode === "manual") return this.#manualGradients(input, target).grads;
      const variables = [...weights, ...biases];
      const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(target, this.mlp.forward(input)) as tf.Scalar, variables);
      return variables.map((v) => grads[v.name]);
    });
    const out = new Float32Array(layout.size);
    layout.layers.forEach(({ weight, bias }, l) => {
      out.set(grads[l].dataSync() as Float32Array, weight);
      out.set(grads[weights.length + l].dataSync() as Float32Array, bias);
    });
    tf.dispose(grads);
    return out;
  }

  params(): Promise<Float32Array> {
    return this.mlp.params();
  }

  dispose(): void {
    this.mlp.dispose();
    this.#optimizer?.dispose();
    for (const v of this.#transposed) v?.dispose();
    for (const { m, v } of this.#moments) {
      m.dispose();
      v.dispose();
    }
  }
}

export async function createTfjsEngine(options: TfjsEngineOptions): Promise<TfjsEngine> {
  const mode = options.gradients ?? "manual";
  if (!GRADIENT_MODES.includes(mode)) throw new RangeError(`gradients must be one of ${GRADIENT_MODES.join(", ")}, got ${mode}`);
  const { dims, params, adam } = resolveEngineOptions(options);
  const backend = await selectBackend(options);
  return new TfjsEngine(new TfjsMlp(params, dims), options.batchSize, adam, mode, backend);
}
