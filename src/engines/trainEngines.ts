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
import { SETTINGS, TRAIN_BACKENDS, type TrainBackend } from "../core/settings.js";

// The names are registered in core/settings.ts, so that a config refuses an unknown one with its JSON path.
export const DEFAULT_TRAIN_BACKEND: TrainBackend = SETTINGS.trainBackend.default;

export interface EngineEnvironment {
  /** Where tfjs-backend-wasm's .wasm files are served from (pages must pass it; Deno finds node_modules). */
  tfjsWasmPaths?: string;
}

export function isTrainBackend(name: string): name is TrainBackend {
  return (TRAIN_BACKENDS as readonly string[]).includes(name);
}

/**
 * How each registered name is built. A Record over the names: one added to the registry without an
 * implementation here does not compile.
 */
type EngineRecipe =
  | { family: "fused"; kernel: "js" | "wasm"; threads: 1 | 2 }
  | { family: "tfjs"; backend?: "wasm" | "cpu" | "webgl" | "webgpu" };
const RECIPES: Record<TrainBackend, EngineRecipe> = {
  "fused-wasm": { family: "fused", kernel: "wasm", threads: 1 },
  "fused-wasm-2threads": { family: "fused", kernel: "wasm", threads: 2 },
  "fused-js": { family: "fused", kernel: "js", threads: 1 },
  tfjs: { family: "tfjs" },
  "tfjs-wasm": { family: "tfjs", backend: "wasm" },
  "tfjs-cpu": { family: "tfjs", backend: "cpu" },
  "tfjs-webgl": { family: "tfjs", backend: "webgl" },
  "tfjs-webgpu": { family: "tfjs", backend: "webgpu" },
};

/** Builds the engine `config.backend` names (default fused-wasm), starting from the config's initial weights. */
export async function createTrainEngine(config: TrainConfig, environment: EngineEnvironment = {}): Promise<TrainEngine> {
  const backend = config.backend ?? DEFAULT_TRAIN_BACKEND;
  // parseTrainConfig refuses unknown names; this catches a config built without it.
  if (!isTrainBackend(backend)) {
    throw new RangeError(`backend must be one of ${TRAIN_BACKENDS.join(", ")}, got ${JSON.stringify(backend)}`);
  }
  const recipe = RECIPES[backend];
  const options = { batchSize: config.training.batch, dims: modelDims(config.model), params: initialParams(config) };
  if (recipe.family === "fused") {
    const { createFusedEngine } = await import("./fused/trainer.js");
    return createFusedEngine({ ...options, kernel: recipe.kernel, threads: recipe.threads });
  }
  const { createTfjsEngine } = await import("./tfjs/trainer.js");
  return createTfjsEngine({ ...options, backend: recipe.backend, wasmPaths: environment.tfjsWasmPaths });
}
