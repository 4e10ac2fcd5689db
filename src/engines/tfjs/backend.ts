/**
 * Picks and reports the TensorFlow.js backend.
 *
 * Browser order: webgpu → webgl → wasm → cpu, the first that initialises. In Deno the order is the
 * fastest measured for this MLP (notes/training-perf.md): wasm (XNNPACK SIMD, single-threaded: tfjs turns
 * its threaded build off under Node-compatible runtimes) → cpu; webgpu exists in Deno only as a software
 * rasteriser (llvmpipe / lavapipe) on machines without a GPU and is tried only when forced.
 */

import * as tf from "@tensorflow/tfjs";

export const TFJS_BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type TfjsBackendName = (typeof TFJS_BACKENDS)[number];

export interface BackendOptions {
  /** Use exactly this backend; fail if it cannot start. */
  backend?: TfjsBackendName;
  /**
   * Where the wasm backend's .wasm files are served (a folder URL or path ending in "/"). Default in Deno:
   * node_modules/@tensorflow/tfjs-backend-wasm/dist/ of this repository; a page must pass its own.
   */
  wasmPaths?: string;
}

export interface BackendReport {
  name: TfjsBackendName;
  /** For wasm: whether XNNPACK runs with SIMD, and how many threads. */
  detail: string;
}

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

function defaultWasmPaths(): string {
  return new URL("../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname;
}

/** Registers a backend's module (cpu and webgl ship inside @tensorflow/tfjs). */
async function register(name: TfjsBackendName, options: BackendOptions): Promise<void> {
  if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const paths = options.wasmPaths ?? (isDeno ? defaultWasmPaths() : undefined);
    if (paths !== undefined && !wasmPathsSet) {
      wasm.setWasmPaths(paths);
      wasmPathsSet = true;
    }
  } else if (name === "webgpu") {
    await import("@tensorflow/tfjs-backend-webgpu");
  }
}
let wasmPathsSet = false;

async function tryBackend(name: TfjsBackendName, options: BackendOptions): Promise<boolean> {
  try {
    await register(name, options);
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** Starts the forced backend, or the first that works in this runtime's order; returns what runs. */
export async function selectBackend(options: BackendOptions = {}): Promise<BackendReport> {
  const { backend } = options;
  if (backend !== undefined && !TFJS_BACKENDS.includes(backend)) {
    throw new RangeError(`backend must be one of ${TFJS_BACKENDS.join(", ")}, got ${backend}`);
  }
  const order: readonly TfjsBackendName[] = backend ? [backend] : isDeno ? ["wasm", "cpu"] : TFJS_BACKENDS;
  for (const name of order) {
    if (tf.getBackend() === name || (await tryBackend(name, options))) {
      await tf.ready();
      return { name, detail: await describe(name) };
    }
  }
  throw new RangeError(`backend ${backend ?? order.join(", ")} cannot start in this runtime`);
}

async function describe(name: TfjsBackendName): Promise<string> {
  if (name !== "wasm") return name;
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  const { getThreadsCount } = await import("@tensorflow/tfjs-backend-wasm");
  return `wasm (simd ${simd ? "on" : "off"}, ${threads ? getThreadsCount() : 1} thread${threads ? "s" : ""})`;
}
