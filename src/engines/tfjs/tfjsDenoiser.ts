/**
 * A trained network as a Denoiser on TensorFlow.js: the trainer's own model (TfjsMlp, mlp.ts here) on the
 * backend that `selectBackend` starts (wasm then cpu in Deno). It computes in float32 and outputs what the
 * network was trained to output (ε, x_0 or v).
 */

import type { Denoiser } from "../../core/denoiser.js";
import { MLP_DIMS } from "../../core/mlp.js";
import { type Parameterization, PARAMETERIZATIONS } from "../../core/parameterization.js";
import { type BackendOptions, type BackendReport, selectBackend } from "./backend.js";
import { TfjsMlp, tfjsDenoiser } from "./mlp.js";

export interface TfjsDenoiserOptions extends BackendOptions {
  /** What the network was trained to predict. */
  parameterization: Parameterization;
  /** Layer widths; TfjsMlp builds MLP_DIMS only. */
  dims?: readonly number[];
}

export interface TfjsDenoiser extends Denoiser {
  /** The tfjs backend that runs it (tfjs' backend is global: this is the one active at creation). */
  readonly backend: BackendReport;
  /** Frees the weight tensors. */
  dispose(): void;
}

/** `params` in the layout of core/mlp.ts (copied into tensors). */
export async function createTfjsDenoiser(params: Float32Array, options: TfjsDenoiserOptions): Promise<TfjsDenoiser> {
  const { parameterization, dims = MLP_DIMS } = options;
  if (!PARAMETERIZATIONS.includes(parameterization)) {
    throw new RangeError(`parameterization must be one of ${PARAMETERIZATIONS.join(", ")}, got ${parameterization}`);
  }
  if (dims.length !== MLP_DIMS.length || dims.some((d, i) => d !== MLP_DIMS[i])) {
    throw new RangeError(`dims must be [${MLP_DIMS.join(", ")}] (the tfjs model's shape), got [${dims.join(", ")}]`);
  }
  const backend = await selectBackend({ backend: options.backend, wasmPaths: options.wasmPaths });
  const mlp = new TfjsMlp(params);
  const { predict } = tfjsDenoiser(mlp, parameterization);
  return { parameterization, backend, predict, dispose: () => mlp.dispose() };
}
