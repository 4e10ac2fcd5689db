/**
 * The fused inference engine: the trained MLP as a Denoiser on the training kernel's WebAssembly SIMD
 * blocks (kernel.wat), forward only, on one thread or two that share the memory.
 *
 * What makes it fast, beyond the register-blocked GEMM it shares with training:
 *   1. One t per call, so the embedding's share of the first layer is computed once per call, not per
 *      point: z_1 = [x, y] W_1[0..1] + (b_1 + e(t) W_1[2..33]), a 2-deep product plus a bias row.
 *   2. Points go through the network in chunks of CHUNK rows, so a chunk's activations stay in cache
 *      from one layer to the next whatever n is, and memory grows with n only by the inputs and outputs.
 *   3. With two threads, a worker takes the second half of the points on the same memory; the threads
 *      meet through Atomics, a futex wake-up per call rather than a message.
 *
 * Results equal the reference forward pass to float32 rounding (about 1e-6 relative).
 */

import type { Denoiser } from "../../core/denoiser.js";
import { timeEmbedding } from "../../core/embedding.js";
import { MLP_DIMS, MLP_INPUT_DIM, MLP_OUTPUT_DIM, mlpLayout } from "../../core/mlp.js";
import { type Parameterization, PARAMETERIZATIONS } from "../../core/parameterization.js";
import { checkDims } from "../../core/training/engine.js";
import { compileKernel, type WasmExports } from "./wasmKernel.js";
import { CONTROL_WORDS, EXIT_COMMAND, THREAD_CONTROL } from "./kernelThread.js";

const OUT = MLP_OUTPUT_DIM;
const F = 4; // bytes per float
const PAGE = 65536;
/** Rows per pass through the network: 128 rows × 128 units × 4 bytes = 64 kB per activation buffer. */
export const CHUNK = 128;

/** A hidden layer in the kernel's layout: widths padded to multiples of 8; byte addresses. */
interface HiddenLayer {
  inPad: number;
  outPad: number;
  weight: number;
  bias: number;
}

/** Byte addresses of everything in the memory; the points' inputs and outputs come last and grow with n. */
export interface InferencePlan {
  control: number;
  hidden: HiddenLayer[];
  /** The output layer's Wᵀ (2 × last outPad) and bias. */
  outWeight: number;
  outBias: number;
  /** b_1 + e(t) W_1[2..]: the first layer's bias row for the current t. */
  firstBias: number;
  /** Per thread: the pre-activation, σ and two activation buffers, CHUNK × widest each. */
  scratch: { z: number; s: number; a: number; b: number }[];
  /** Interleaved points in (float32) and network outputs; room for `capacity` points. */
  points: number;
  outputs: number;
  capacity: number;
  bytes: number;
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

export function planInference(dims: readonly number[], threads: number, capacity: number): InferencePlan {
  let at = 0;
  const take = (floats: number) => {
    const address = at;
    at += roundUp(floats, 4) * F;
    return address;
  };
  const control = take(16);
  const hidden: HiddenLayer[] = [];
  for (let l = 0; l + 2 < dims.length; l++) {
    // The first layer keeps only its x and y rows (padded to 4); the embedding rows fold into firstBias.
    const inPad = l === 0 ? 4 : hidden[l - 1].outPad;
    const outPad = roundUp(dims[l + 1], 8);
    hidden.push({ inPad, outPad, weight: take(inPad * outPad), bias: take(outPad) });
  }
  const lastPad = hidden[hidden.length - 1].outPad;
  const outWeight = take(OUT * lastPad);
  const outBias = take(4);
  const firstBias = take(hidden[0].outPad);
  const widest = Math.max(...hidden.map((h) => h.outPad));
  const scratch = Array.from({ length: threads }, () => ({
    z: take(CHUNK * widest), s: take(CHUNK * widest), a: take(CHUNK * widest), b: take(CHUNK * widest),
  }));
  const rows = roundUp(capacity, 4);
  const points = take(rows * 2);
  const outputs = take(rows * OUT);
  return { control, hidden, outWeight, outBias, firstBias, scratch, points, outputs, capacity: rows, bytes: at };
}

/**
 * The network on rows [from, to) of the staged points (from a multiple of 4), CHUNK rows at a time, into
 * the outputs. Rows past n up to a multiple of 4 are computed on zeros and ignored.
 */
export function forwardRows(wasm: WasmExports, plan: InferencePlan, thread: number, from: number, to: number): void {
  const { z, s, a, b } = plan.scratch[thread];
  const layers = plan.hidden;
  const last = layers.length - 1;
  for (let row = from; row < to; row += CHUNK) {
    const R = roundUp(Math.min(CHUNK, to - row), 4);
    let input = plan.points + row * 2 * F, inputStride = 2 * F;
    let h = a, spare = b;
    layers.forEach(({ inPad, outPad, weight, bias }, l) => {
      // Layer 1 reads the 2 coordinates straight from the points (P = 2) and starts from b_1 + e(t) W_1[2..].
      const P = l === 0 ? 2 : inPad;
      wasm.gemm(input, inputStride, F, weight, outPad * F, z, outPad * F, l === 0 ? plan.firstBias : bias, 0, R, outPad, P);
      wasm.siluForward(z, s, h, R * outPad);
      input = h, inputStride = outPad * F;
      [h, spare] = [spare, h];
    });
    wasm.outputForward(input, plan.outWeight, plan.outBias, plan.outputs + row * OUT * F, R, layers[last].outPad);
  }
}

/** Handshake slots (Int32 indices into the control block), shared with inferenceWorker.ts. */
export const CONTROL = { ...THREAD_CONTROL, from: 3, to: 4, points: 5, outputs: 6, failed: 7 } as const;
export const COMMAND = { forward: 1, exit: EXIT_COMMAND } as const;

export interface WasmDenoiserOptions {
  /** What the network was trained to predict. */
  parameterization: Parameterization;
  dims?: readonly number[];
  /** 2 puts half of the points on a worker thread (needs SharedArrayBuffer and Worker); default 2 where possible. */
  threads?: 1 | 2;
  /** Use the relaxed-SIMD fused multiply-add when the engine has it (default true). */
  fma?: boolean;
  /**
   * Starts the second thread's worker (inferenceWorker.ts). By default it is found next to this module,
   * which a bundler that does not follow `new URL(…, import.meta.url)` to a .ts file cannot do: a page
   * built by such a bundler passes its own.
   */
  startWorker?: () => Worker;
}

/**
 * Whether this thread can run the two-thread variant: it needs two cores, SharedArrayBuffer and Worker
 * (in a page, cross-origin isolation), and must be allowed to block in Atomics.wait, which a page's main
 * thread is not.
 */
export function canUseTwoThreads(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean; document?: unknown; navigator?: { hardwareConcurrency?: number } };
  return typeof SharedArrayBuffer !== "undefined" && typeof Worker !== "undefined" &&
    scope.crossOriginIsolated !== false && scope.document === undefined && (scope.navigator?.hardwareConcurrency ?? 1) >= 2;
}

export interface WasmDenoiser extends Denoiser {
  readonly name: string;
  readonly threads: number;
  predict(x: Float64Array, t: number): Float64Array;
  dispose(): void;
}

/** A Denoiser over `params` (the layout of core/mlp.ts, copied into the kernel's memory). */
export async function createWasmDenoiser(params: Float32Array, options: WasmDenoiserOptions): Promise<WasmDenoiser> {
  const { parameterization, dims = MLP_DIMS } = options;
  if (!PARAMETERIZATIONS.includes(parameterization)) {
    throw new RangeError(`parameterization must be one of ${PARAMETERIZATIONS.join(", ")}, got ${parameterization}`);
  }
  checkDims(dims);
  const { layers, size } = mlpLayout(dims);
  if (params.length !== size) throw new RangeError(`params must hold ${size} values, got ${params.length}`);
  const threads = options.threads ?? (canUseTwoThreads() ? 2 : 1);
  if (threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${threads}`);
  if (threads === 2 && !canUseTwoThreads()) throw new RangeError("threads must be 1 here: two threads need SharedArrayBuffer and Worker");

  let plan = planInference(dims, threads, 1024);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(plan.bytes / PAGE), maximum: 65536, shared: threads === 2 });
  const { module, fma } = await compileKernel(threads === 2, options.fma ?? true);
  const wasm = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as WasmExports;

  // The weights in the kernel's layout: W_l rows padded to outPad, the output layer transposed.
  const f32 = () => new Float32Array(memory.buffer);
  const mem = f32();
  plan.hidden.forEach(({ outPad, weight, bias }, l) => {
    const { fanIn, fanOut, weight: w, bias: b } = layers[l];
    for (let k = 0; k < (l === 0 ? 2 : fanIn); k++) mem.set(params.subarray(w + k * fanOut, w + (k + 1) * fanOut), weight / F + k * outPad);
    mem.set(params.subarray(b, b + fanOut), bias / F);
  });
  const out = layers[layers.length - 1];
  const lastPad = plan.hidden[plan.hidden.length - 1].outPad;
  for (let k = 0; k < out.fanIn; k++) {
    for (let c = 0; c < OUT; c++) mem[plan.outWeight / F + c * lastPad + k] = params[out.weight + k * OUT + c];
  }
  mem.set(params.subarray(out.bias, out.bias + OUT), plan.outBias / F);

  // b_1 + e(t) W_1[2..], in float64 before rounding once, as the reference pass does.
  const first = layers[0];
  const embedding = new Float64Array(MLP_INPUT_DIM - 2);
  const firstBias = new Float64Array(first.fanOut);
  let biasT = Number.NaN;
  const setFirstBias = (t: number) => {
    if (t === biasT) return;
    timeEmbedding(t, embedding);
    for (let j = 0; j < first.fanOut; j++) firstBias[j] = params[first.bias + j];
    for (let k = 2; k < first.fanIn; k++) {
      const e = embedding[k - 2];
      const row = first.weight + k * first.fanOut;
      for (let j = 0; j < first.fanOut; j++) firstBias[j] += e * params[row + j];
    }
    f32().set(firstBias, plan.firstBias / F);
    biasT = t;
  };

  let worker: Worker | undefined;
  let disposed = false;
  const control = new Int32Array(memory.buffer, plan.control, CONTROL_WORDS);
  let generation = 0;
  if (threads === 2) {
    worker = options.startWorker?.() ?? new Worker(new URL("./inferenceWorker.ts", import.meta.url), { type: "module" });
    const ready = new Promise<void>((resolve, reject) => {
      worker!.onmessage = () => resolve();
      worker!.onerror = (event) => reject(new Error(event.message || "the worker thread failed to start"));
    });
    worker.postMessage({ module, memory, plan });
    await ready;
  }

  /** Makes room for n points: the outputs move to the end of a grown memory (the inputs stay where they are). */
  const reserve = (n: number) => {
    if (n <= plan.capacity) return;
    const { points: _points, outputs: _outputs, capacity: _capacity, bytes: _bytes, ...fixed } = plan;
    const grown = planInference(dims, threads, Math.max(n, 2 * plan.capacity));
    const pages = Math.ceil(grown.bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    plan = { ...fixed, points: grown.points, outputs: grown.outputs, capacity: grown.capacity, bytes: grown.bytes };
  };

  return {
    name: `fused-wasm${fma ? "-fma" : ""}${threads === 2 ? "-2threads" : ""}`,
    threads,
    parameterization,
    predict(x: Float64Array, t: number): Float64Array {
      if (x.length % 2 !== 0) throw new RangeError(`x must hold interleaved 2D points (even length), got ${x.length}`);
      if (!Number.isFinite(t)) throw new RangeError(`t must be a finite number, got ${t}`);
      if (disposed) throw new Error("this denoiser was disposed");
      const n = x.length / 2;
      reserve(n);
      setFirstBias(t);
      const view = f32();
      const rows = roundUp(n, 4);
      const staged = view.subarray(plan.points / F, plan.points / F + rows * 2);
      staged.set(x);
      staged.fill(0, x.length);
      // The worker takes the second half, from a multiple of 4 (the kernel's row blocks).
      const split = threads === 2 && rows > CHUNK ? roundUp(Math.ceil(rows / 2), 4) : rows;
      if (split < rows) {
        Atomics.store(control, CONTROL.command, COMMAND.forward);
        Atomics.store(control, CONTROL.from, split);
        Atomics.store(control, CONTROL.to, rows);
        // The outputs move when the memory grows: the worker reads both addresses from the control block.
        Atomics.store(control, CONTROL.points, plan.points);
        Atomics.store(control, CONTROL.outputs, plan.outputs);
        generation = (generation + 1) | 0; // an Int32 slot: wraps rather than overflows
        Atomics.store(control, CONTROL.start, generation);
        Atomics.notify(control, CONTROL.start);
      }
      forwardRows(wasm, plan, 0, 0, split);
      if (split < rows) {
        for (let done = Atomics.load(control, CONTROL.done); done !== generation; done = Atomics.load(control, CONTROL.done)) {
          Atomics.wait(control, CONTROL.done, done);
        }
        // The worker reports a trap in its half instead of dying silently (which would leave this wait forever).
        if (Atomics.exchange(control, CONTROL.failed, 0) !== 0) throw new Error("the fused engine's second thread failed on its half of the points");
      }
      return Float64Array.from(f32().subarray(plan.outputs / F, plan.outputs / F + x.length));
    },
    dispose() {
      disposed = true;
      if (!worker) return;
      Atomics.store(control, CONTROL.command, COMMAND.exit);
      generation = (generation + 1) | 0;
      Atomics.store(control, CONTROL.start, generation);
      Atomics.notify(control, CONTROL.start);
      worker.terminate();
      worker = undefined;
    },
  };
}
