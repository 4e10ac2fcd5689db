/**
 * Inference on onnxruntime-web 1.30: a model from `exportOnnx` (or any graph with inputs x [N, 2], t [N]
 * and output eps [N, 2]) as a Denoiser. The graph outputs ε whatever the training target was, so this
 * denoiser's parameterization is always "eps". A flow-matching model's graph (metadata objective =
 * flow-matching) outputs `velocity` instead and takes a real time τ = 1000·t (flow/time.ts): the objective
 * is read from the model itself, so a caller cannot run a flow model as DDPM by leaving it out.
 *
 * Which onnxruntime-web build loads:
 *   - Deno and Node (wasm only): the package's Node build, the bare "onnxruntime-web". It finds its .wasm on
 *     disk and runs threads as worker_threads: on an idle 2-core machine, 2 threads take a [512, 2] batch
 *     from 1.6 to 1.0 ms per run (but twice as long as 1 thread when other processes hold the cores).
 *   - Pages: "onnxruntime-web/wasm" (wasm only; ort-wasm-simd-threaded.wasm), or with the webgpu provider
 *     "onnxruntime-web/webgpu" (wasm and WebGPU; ort-wasm-simd-threaded.asyncify.wasm). Their threads need a
 *     cross-origin-isolated page; under Deno they fail outright (its workers load from blob: URLs, which
 *     Deno does not import inside npm packages), hence the Node build there.
 */

import type { Denoiser } from "../../core/denoiser.js";
import { asFlowNetwork } from "../../core/flow/network.js";
import { onnxOutputName, readOnnxObjective } from "../../core/onnx/export.js";
import type { Objective } from "../../core/settings.js";

type Ort = typeof import("onnxruntime-web");
type Env = Ort["env"];
type Tensor = InstanceType<Ort["Tensor"]>;

/** Deno and Node, told apart from browsers by the Node-compatible `process` global both provide. */
const isServer = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string";

/**
 * The bare specifier, held in a variable so that page bundlers do not follow it: Observable Framework
 * resolves bare imports with Node's require conditions, which for "onnxruntime-web" means the Node build.
 */
const NODE_BUILD = "onnxruntime-web";

/** Each build's thread count, fixed when its wasm starts (its first session). */
const threadsAtStart = new Map<Ort, number>();

export type ExecutionProvider = "wasm" | "webgpu";
export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ["wasm", "webgpu"];

export interface OrtDenoiserOptions {
  /** In order of preference; default ["wasm"]. */
  executionProviders?: ExecutionProvider[];
  /**
   * Where onnxruntime's .wasm and .mjs files are: a folder URL ending in "/" or { wasm, mjs } URLs.
   * Pages pass the URL of node_modules/onnxruntime-web/dist/ (e.g. from import.meta.resolve) so the build
   * ships the files; Deno and Node find them by themselves. Like numThreads, it only counts for the first
   * session of a build, which starts its wasm (onnxruntime's env is global).
   */
  wasmPaths?: Env["wasm"]["wasmPaths"];
  /** WebAssembly threads; default 2 (if there are 2 cores) in Deno/Node and cross-origin-isolated pages, else 1. */
  numThreads?: number;
  /**
   * What the caller expects the model to be trained for: checked against the model's own metadata (which
   * decides), so a mismatch is refused rather than sampled wrongly. Leave it out to take the model's.
   */
  objective?: Objective;
}

export interface OrtDenoiser extends Denoiser {
  readonly parameterization: "eps";
  /** The execution providers the session was created with. */
  readonly executionProviders: readonly ExecutionProvider[];
  /** The wasm threads the build runs with: the count asked for by its first session (1 where threads cannot run). */
  readonly numThreads: number;
  /** Releases the session. */
  dispose(): Promise<void>;
}

/** Loads a serialized ONNX model into an onnxruntime-web session. */
export async function createOrtDenoiser(modelBytes: Uint8Array, options: OrtDenoiserOptions = {}): Promise<OrtDenoiser> {
  const executionProviders = options.executionProviders ?? ["wasm"];
  if (executionProviders.length === 0 || executionProviders.some((ep) => !EXECUTION_PROVIDERS.includes(ep))) {
    throw new RangeError(`executionProviders must be a non-empty list of ${EXECUTION_PROVIDERS.join(", ")}, got [${executionProviders.join(", ")}]`);
  }
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const numThreads = options.numThreads ?? (isServer || globalThis.crossOriginIsolated === true ? Math.min(2, cores) : 1);
  if (!Number.isInteger(numThreads) || numThreads < 1 || numThreads > 64) {
    throw new RangeError(`numThreads must be an integer from 1 to 64, got ${numThreads}`);
  }
  if (!(modelBytes instanceof Uint8Array) || modelBytes.length === 0) {
    throw new RangeError("modelBytes must be a non-empty Uint8Array holding an ONNX model");
  }
  const objective = readOnnxObjective(modelBytes);
  if (options.objective !== undefined && options.objective !== objective) {
    throw new RangeError(`objective ${options.objective} does not match the model's metadata, which says ${objective}`);
  }
  // Pages that need only wasm take the wasm build: its .wasm is half the size of the WebGPU build's
  // (14 vs 27 MB) and 10–20 % faster per call.
  const webgpu = executionProviders.includes("webgpu");
  // onnxruntime's Node build, as it starts its wasm, sets globalThis.Worker to Node's worker_threads Worker
  // (whose threads have no `self`): every web worker started afterwards in this process (the fused
  // kernel's second thread) would fail. Its own threads start with the session; the web Worker goes back then.
  const webWorker = globalThis.Worker;
  const ort: Ort = webgpu
    ? await import("onnxruntime-web/webgpu")
    : isServer
    ? await import(/* @vite-ignore */ NODE_BUILD)
    : await import("onnxruntime-web/wasm");
  const first = !threadsAtStart.has(ort);
  if (first) {
    ort.env.wasm.numThreads = numThreads;
    if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
    threadsAtStart.set(ort, numThreads);
  }
  let session: Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;
  try {
    session = await ort.InferenceSession.create(modelBytes, {
      executionProviders: [...executionProviders],
      graphOptimizationLevel: "all",
    });
  } finally {
    if (globalThis.Worker !== webWorker) globalThis.Worker = webWorker;
  }
  // onnxruntime writes back 1 when threads cannot run.
  if (first) threadsAtStart.set(ort, ort.env.wasm.numThreads ?? 1);
  // By name, whatever else a third-party graph outputs: eps, or a flow model's velocity.
  const output = onnxOutputName(objective);
  if (!session.outputNames.includes(output)) {
    await session.release();
    throw new RangeError(`the ${objective} model must have an output named ${output}, got ${session.outputNames.join(", ")}`);
  }

  // Inputs live in buffers reused from call to call; onnxruntime copies them into its heap on each run.
  let n = -1;
  let x32 = new Float32Array(0);
  let t32 = new Float32Array(0);
  let feeds: Record<string, Tensor> = {};
  let lastT = Number.NaN;

  async function run(x: Float64Array, t: number): Promise<Float64Array> {
    if (x.length / 2 !== n) {
      n = x.length / 2;
      x32 = new Float32Array(2 * n);
      t32 = new Float32Array(n);
      feeds = { x: new ort.Tensor("float32", x32, [n, 2]), t: new ort.Tensor("float32", t32, [n]) };
      lastT = Number.NaN;
    }
    x32.set(x);
    if (t !== lastT) {
      t32.fill(t);
      lastT = t;
    }
    const outputs = await session.run(feeds, [output]);
    return Float64Array.from(outputs[output].data as Float32Array);
  }

  // One run at a time: concurrent predictions would share the input buffers.
  let queue: Promise<unknown> = Promise.resolve();
  const denoiser: OrtDenoiser = {
    parameterization: "eps",
    executionProviders,
    numThreads: threadsAtStart.get(ort)!,
    predict(x: Float64Array, t: number): Promise<Float64Array> {
      if (x.length % 2 !== 0 || x.length === 0) {
        throw new RangeError(`x must hold interleaved 2D points (even, non-zero length), got ${x.length}`);
      }
      // A flow model's τ is checked by asFlowNetwork, before this.
      if (objective === "ddpm" && (!Number.isInteger(t) || t < 0 || t > 16_777_216)) {
        throw new RangeError(`t must be an integer schedule index from 0 to 2^24 (exact in float32), got ${t}`);
      }
      const result = queue.then(() => run(x, t));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose: () => session.release(),
  };
  return objective === "flow-matching" ? asFlowNetwork(denoiser) : denoiser;
}
