/**
 * The training engines by name, so the CLI, loaders and the browser's worker pick one the same way.
 * Heavy engines are imported only when chosen: tfjs never loads for a fused run.
 *
 *   fused-wasm            WebAssembly SIMD kernel, one thread (the default: fastest per core, deterministic)
 *   fused-wasm-2threads   the same kernel splitting each batch over two threads (needs a free second core)
 *   fused-js              the same algorithm in plain TypeScript (runs anywhere, slower)
 *   tfjs-wasm, tfjs-cpu, tfjs-webgl, tfjs-webgpu   TensorFlow.js on that backend
 *   tfjs                  TensorFlow.js on the first backend that starts (browser: webgpu → webgl → wasm → cpu)
 */
import { initialParams } from "../core/training/train.js";
import { modelDims, type TrainConfig } from "../core/training/config.js";
import type { TrainEngine } from "../core/training/engine.js";

export const TRAIN_BACKENDS = [
  "fused-wasm",
  "fused-wasm-2threads",
  "fused-js",
  "tfjs",
  "tfjs-wasm",
  "tfjs-cpu",
  "tfjs-webgl",
  "tfjs-webgpu",
] as const;
export type TrainBackend = (typeof TRAIN_BACKENDS)[number];
export const DEFAULT_TRAIN_BACKEND: TrainBackend = "fused-wasm";

export interface EngineEnvironment {
  /** Where tfjs-backend-wasm's .wasm files are served from (pages must pass it; Deno finds node_modules). */
  tfjsWasmPaths?: string;
}

export function isTrainBackend(name: string): name is TrainBackend {
  return (TRAIN_BACKENDS as readonly string[]).includes(name);
}

/** Builds the engine `config.backend` names (default fused-wasm), starting from the config's initial weights. */
export async function createTrainEngine(config: TrainConfig, environment: EngineEnvironment = {}): Promise<TrainEngine> {
  const backend = config.backend ?? DEFAULT_TRAIN_BACKEND;
  if (!isTrainBackend(backend)) {
    throw new RangeError(`backend must be one of ${TRAIN_BACKENDS.join(", ")}, got ${JSON.stringify(backend)}`);
  }
  const options = { batchSize: config.training.batch, dims: modelDims(config.model), params: initialParams(config) };
  if (backend.startsWith("fused")) {
    const { createFusedEngine } = await import("./fused/trainer.js");
    return createFusedEngine({
      ...options,
      kernel: backend === "fused-js" ? "js" : "wasm",
      threads: backend === "fused-wasm-2threads" ? 2 : 1,
    });
  }
  const { createTfjsEngine } = await import("./tfjs/trainer.js");
  const tfjsBackend = backend === "tfjs" ? undefined : (backend.slice("tfjs-".length) as "wasm" | "cpu" | "webgl" | "webgpu");
  return createTfjsEngine({ ...options, backend: tfjsBackend, wasmPaths: environment.tfjsWasmPaths });
}
