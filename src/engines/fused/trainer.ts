/**
 * The fused training engine: a TrainKernel (WebAssembly SIMD, or plain TypeScript) behind the
 * TrainEngine interface of core/training/engine.ts. One step stages the batch rows ([x_t, e(t)] and the
 * target), runs forward and backward in one go and applies Adam; nothing is allocated per step.
 */

import { EmbeddingRows } from "../../core/embedding.js";
import { writeMlpInputRows } from "../../core/mlp.js";
import {
  type AdamOptions,
  checkTrainBatch,
  type EngineOptions,
  resolveEngineOptions,
  type TrainBatch,
  type TrainEngine,
} from "../../core/training/engine.js";
import { JsKernel } from "./jsKernel.js";
import type { TrainKernel } from "./kernel.js";
import { createWasmKernel } from "./wasmKernel.js";

export const FUSED_KERNELS = ["wasm", "js"] as const;
export type FusedKernelKind = (typeof FUSED_KERNELS)[number];

export interface FusedEngineOptions extends EngineOptions {
  /** "wasm" (default: SIMD) or "js" (plain TypeScript). */
  kernel?: FusedKernelKind;
  /** wasm only: 2 runs half of each batch on a worker thread (default 1). */
  threads?: 1 | 2;
  /** wasm only: use relaxed-SIMD fused multiply-add when available (default true). */
  fma?: boolean;
}

export class FusedEngine implements TrainEngine {
  readonly name: string;
  readonly kernel: TrainKernel;
  #rows = new EmbeddingRows();
  #adam: AdamOptions;
  #k = 0;

  constructor(kernel: TrainKernel, adam: AdamOptions) {
    this.kernel = kernel;
    this.#adam = adam;
    this.name = `fused-${kernel.name}`;
  }

  step(batch: TrainBatch, lr: number): number {
    const kernel = this.kernel;
    checkTrainBatch(batch, kernel.batchSize);
    writeMlpInputRows(batch.xt, batch.t, this.#rows, kernel.inputs);
    kernel.targets.set(batch.target);
    const loss = kernel.computeGradient();
    kernel.adamStep(++this.#k, { ...this.#adam, lr });
    return loss;
  }

  params(): Float32Array {
    return this.kernel.params();
  }

  dispose(): void {
    this.kernel.dispose();
  }
}

export async function createFusedEngine(options: FusedEngineOptions): Promise<FusedEngine> {
  const kind = options.kernel ?? "wasm";
  if (!FUSED_KERNELS.includes(kind)) throw new RangeError(`kernel must be one of ${FUSED_KERNELS.join(", ")}, got ${kind}`);
  const { dims, params, adam } = resolveEngineOptions(options);
  const kernel = kind === "js"
    ? new JsKernel(options.batchSize, params, dims)
    : await createWasmKernel(options.batchSize, params, dims, { threads: options.threads, fma: options.fma });
  return new FusedEngine(kernel, adam);
}
