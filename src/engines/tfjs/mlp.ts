/**
 * The MLP of core/mlp.ts as TensorFlow.js variables and ops: the same parameter layout, the same
 * embedding (built here from tf ops, as an exported graph would), and a Denoiser for sampling.
 */

import * as tf from "@tensorflow/tfjs";
import type { Denoiser } from "../../core/denoiser.js";
import { embeddingFrequencies } from "../../core/embedding.js";
import { MLP_DIMS, type MlpLayout, mlpLayout } from "../../core/mlp.js";
import type { Parameterization } from "../../core/parameterization.js";

/** e(t) for a batch of schedule indices: [sin(t f_k) …, cos(t f_k) …] (B × 32), as core/embedding.ts. */
export function tfTimeEmbedding(t: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const frequencies = tf.tensor2d(Float32Array.from(embeddingFrequencies()), [1, embeddingFrequencies().length]);
    const angles = tf.matMul(tf.reshape(tf.cast(t, "float32"), [-1, 1]), frequencies);
    return tf.concat([tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}

/** SiLU(z) = z σ(z). */
export function silu(z: tf.Tensor): tf.Tensor {
  return tf.mul(z, tf.sigmoid(z));
}

export class TfjsMlp {
  readonly dims: readonly number[];
  readonly weights: tf.Variable[];
  readonly biases: tf.Variable[];
  readonly layout: MlpLayout;

  constructor(params: Float32Array, dims: readonly number[] = MLP_DIMS) {
    this.dims = [...dims];
    this.layout = mlpLayout(dims);
    const { layers, size } = this.layout;
    if (params.length !== size) throw new RangeError(`params must hold ${size} values, got ${params.length}`);
    this.weights = layers.map(({ fanIn, fanOut, weight }) =>
      tf.variable(tf.tensor2d(params.subarray(weight, weight + fanIn * fanOut), [fanIn, fanOut]))
    );
    this.biases = layers.map(({ fanOut, bias }) => tf.variable(tf.tensor1d(params.subarray(bias, bias + fanOut))));
  }

  /** The network output for input rows u = [x_t, e(t)] (B × 34). */
  forward(input: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = input;
      const last = this.weights.length - 1;
      this.weights.forEach((w, l) => {
        const z = tf.fused.matMul({ a: h, b: w as tf.Tensor2D, bias: this.biases[l] }) as tf.Tensor2D;
        h = l === last ? z : (silu(z) as tf.Tensor2D);
      });
      return h;
    });
  }

  /** The parameters in the flat layout of core/mlp.ts. */
  /**
   * The weights in the flat layout of core/mlp.ts, read asynchronously: a synchronous read (dataSync) goes
   * through a canvas on WebGPU, throws in Deno, and in a Chromium worker breaks the device for later reads.
   */
  async params(): Promise<Float32Array> {
    const variables = [...this.weights, ...this.biases];
    const values = await Promise.all(variables.map((variable) => variable.data()));
    const out = new Float32Array(this.layout.size);
    this.layout.layers.forEach(({ weight, bias }, l) => {
      out.set(values[l] as Float32Array, weight);
      out.set(values[this.weights.length + l] as Float32Array, bias);
    });
    return out;
  }

  dispose(): void {
    for (const v of [...this.weights, ...this.biases]) v.dispose();
  }
}

/** The network as a Denoiser: interleaved points and one schedule index in, interleaved output out. */
export function tfjsDenoiser(mlp: TfjsMlp, parameterization: Parameterization): Denoiser {
  return {
    parameterization,
    predict(x: Float64Array, t: number): Float64Array {
      const n = x.length / 2;
      const output = tf.tidy(() => {
        const points = tf.tensor2d(Float32Array.from(x), [n, 2]);
        const embedding = tfTimeEmbedding(tf.fill([n], t) as tf.Tensor1D);
        return mlp.forward(tf.concat([points, embedding], 1) as tf.Tensor2D);
      });
      const values = Float64Array.from(output.dataSync());
      output.dispose();
      return values;
    },
  };
}
