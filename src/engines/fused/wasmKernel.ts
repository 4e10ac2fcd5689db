/**
 * The fused training kernel on WebAssembly SIMD (kernel.wat), on one thread or on two that share the memory.
 *
 * Inside the memory the MLP keeps its own layout, chosen for the SIMD loops: the 34 inputs are padded to
 * 36 with zero columns and hidden widths to multiples of 8 with zero units (padding gets zero gradient and
 * stays 0), the output weight is stored transposed (2 × width, for contiguous dot products), and each
 * hidden W_l (l ≥ 2) has a Wᵀ copy beside it so that the backward products δ Wᵀ read rows, never columns.
 *
 * Two threads split the batch in halves: each runs forward and backward on its rows into its own gradient
 * buffer; the main thread adds the two and runs Adam. They meet through Atomics on the shared memory,
 * which needs SharedArrayBuffer (Deno; a cross-origin-isolated page) and a thread allowed to block.
 */

import { MLP_DIMS, MLP_INPUT_DIM, MLP_OUTPUT_DIM, mlpLayout } from "../../core/mlp.js";
import { type AdamOptions, checkBatchSize, checkDims } from "../../core/training/engine.js";
import { checkAdamStep, type TrainKernel } from "./kernel.js";
import { KERNEL_WASM_BASE64 } from "./kernelBinary.generated.js";
import { CONTROL_WORDS, EXIT_COMMAND, THREAD_CONTROL } from "./kernelThread.js";

const IN = MLP_INPUT_DIM;
const IN_PAD = roundUp(IN, 4);
const OUT = MLP_OUTPUT_DIM;
const F = 4; // bytes per float

export interface WasmExports {
  gemm(a: number, ars: number, aps: number, b: number, bps: number, c: number, crs: number, init: number, irs: number, M: number, N: number, K: number): void;
  siluForward(z: number, s: number, h: number, n: number): void;
  siluBackward(g: number, z: number, s: number, n: number): void;
  outputForward(h: number, wt: number, bias: number, o: number, M: number, K: number): void;
  lossGrad(o: number, y: number, d: number, n: number, nPad: number, scale: number): number;
  outputBackward(h: number, d: number, gwt: number, gb: number, M: number, K: number): void;
  columnSum(d: number, out: number, M: number, N: number): void;
  addInto(dst: number, src: number, n: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, lrOverC1: number, invC2: number, eps: number): void;
  transpose(src: number, dst: number, R: number, C: number): void;
}

/**
 * A hidden layer inside the memory: widths padded (inputs to 36, hidden units to a multiple of 8; padded
 * units have zero weights in and out, so they output SiLU(0) = 0, get zero gradients and stay 0).
 * Offsets are in floats from the start of a parameter-shaped block; `transposed` is a byte address.
 */
export interface HiddenSlot {
  fanIn: number; fanOut: number; inPad: number; outPad: number;
  weight: number; bias: number;
  /** Byte address of the Wᵀ copy (outPad × inPad) that δ Wᵀ reads; −1 for the first layer, which needs none. */
  transposed: number;
}

/** Byte addresses of one thread's activations for `rows` batch rows (a multiple of 4). */
export interface Region {
  rows: number;
  x: number; y: number;
  /** Per hidden layer: pre-activation z, σ(z), and SiLU(z). */
  z: number[]; s: number[]; h: number[];
  o: number; dO: number;
  /** Two δ buffers, as wide as the widest hidden layer. */
  dA: number; dB: number;
}

/** Everything in the memory: the internal parameter layout, then byte addresses. */
export interface MemoryPlan {
  hidden: HiddenSlot[];
  /** Float offsets of the output layer's Wᵀ (2 × last inPad) and bias. */
  outWeight: number; outBias: number;
  /** Floats in a parameter-shaped block (a multiple of 4). */
  size: number;
  /** Int32 flags and a float64 result slot for the two-thread handshake. */
  control: number;
  zeros: number;
  params: number; m: number; v: number;
  /** One gradient buffer per thread. */
  grads: number[];
  regions: Region[];
  /** Which batch rows each thread owns: [first, end). */
  spans: [number, number][];
  bytes: number;
}

export function planMemory(batchSize: number, threads: number, dims: readonly number[]): MemoryPlan {
  let at = 0;
  const take = (floats: number) => {
    const address = at;
    at += roundUp(floats, 4) * F;
    return address;
  };
  // The parameter block's layout, in floats.
  let offset = 0;
  const hidden: HiddenSlot[] = [];
  for (let l = 0; l + 2 < dims.length; l++) {
    const inPad = l === 0 ? IN_PAD : hidden[l - 1].outPad;
    const outPad = roundUp(dims[l + 1], 8);
    hidden.push({ fanIn: dims[l], fanOut: dims[l + 1], inPad, outPad, weight: offset, bias: offset + inPad * outPad, transposed: -1 });
    offset += inPad * outPad + outPad;
  }
  const lastPad = hidden[hidden.length - 1].outPad;
  const outWeight = offset, outBias = offset + OUT * lastPad;
  const size = roundUp(outBias + OUT, 4);
  const widest = Math.max(...hidden.map((h) => h.outPad));

  const control = take(16);
  const zeros = take(widest);
  const params = take(size), m = take(size), v = take(size);
  const grads = Array.from({ length: threads }, () => take(size));
  for (const slot of hidden.slice(1)) slot.transposed = take(slot.outPad * slot.inPad);
  const first = batchSize - Math.floor((batchSize * (threads - 1)) / threads);
  const spans: [number, number][] = threads === 1 ? [[0, batchSize]] : [[0, first], [first, batchSize]];
  const regions = spans.map(([from, to]): Region => {
    const rows = roundUp(to - from, 4);
    return {
      rows,
      x: take(rows * IN_PAD), y: take(rows * OUT),
      z: hidden.map((h) => take(rows * h.outPad)),
      s: hidden.map((h) => take(rows * h.outPad)),
      h: hidden.map((h) => take(rows * h.outPad)),
      o: take(rows * OUT), dO: take(rows * OUT),
      dA: take(rows * widest), dB: take(rows * widest),
    };
  });
  return { hidden, outWeight, outBias, size, control, zeros, params, m, v, grads, regions, spans, bytes: at };
}

/**
 * Forward and backward over one region's rows: its gradient goes to `grad`; returns Σ (output − target)²
 * over its `real` rows. `scale` is ∂loss/∂output per unit of (output − target): 2 / (2 · whole batch).
 */
export function forwardBackward(wasm: WasmExports, plan: MemoryPlan, region: Region, real: number, scale: number, grad: number): number {
  const { rows: R, x, y, z, s, h, o, dO } = region;
  const p = plan.params, zeros = plan.zeros;
  const layers = plan.hidden;
  const last = layers.length - 1;
  const input = (l: number) => (l === 0 ? x : h[l - 1]);
  // Forward: z = h W + b (the bias row broadcast as the initial value), h = SiLU(z).
  layers.forEach(({ inPad, outPad, weight, bias }, l) => {
    wasm.gemm(input(l), inPad * F, F, p + weight * F, outPad * F, z[l], outPad * F, p + bias * F, 0, R, outPad, inPad);
    wasm.siluForward(z[l], s[l], h[l], R * outPad);
  });
  const lastPad = layers[last].outPad;
  wasm.outputForward(h[last], p + plan.outWeight * F, p + plan.outBias * F, o, R, lastPad);
  const sum = wasm.lossGrad(o, y, dO, real * OUT, R * OUT, scale);
  // Backward: ∂W_l = h_{l−1}ᵀ δ_l (read through strides, no copy), ∂b_l = Σ_rows δ_l, δ_{l−1} = δ_l W_lᵀ ⊙ SiLU'.
  wasm.outputBackward(h[last], dO, grad + plan.outWeight * F, grad + plan.outBias * F, R, lastPad);
  let delta = region.dA, spare = region.dB;
  wasm.gemm(dO, OUT * F, F, p + plan.outWeight * F, lastPad * F, delta, lastPad * F, zeros, 0, R, lastPad, OUT);
  for (let l = last; l >= 0; l--) {
    const { inPad, outPad, weight, bias, transposed } = layers[l];
    wasm.siluBackward(delta, z[l], s[l], R * outPad);
    wasm.gemm(input(l), F, inPad * F, delta, outPad * F, grad + weight * F, outPad * F, zeros, 0, inPad, outPad, R);
    wasm.columnSum(delta, grad + bias * F, R, outPad);
    if (l === 0) break;
    wasm.gemm(delta, outPad * F, F, transposed, inPad * F, spare, inPad * F, zeros, 0, R, inPad, outPad);
    [delta, spare] = [spare, delta];
  }
  return sum;
}

/** Handshake slots: Int32 indices into the control block, and the byte offset of the worker's float64 sum. */
export const CONTROL = { ...THREAD_CONTROL, resultByte: 32 } as const;
export const COMMAND = { step: 1, exit: EXIT_COMMAND } as const;

export interface WasmKernelOptions {
  /** 1, or 2 for a worker thread taking half the batch (needs SharedArrayBuffer and Worker). */
  threads?: 1 | 2;
  /** Use the relaxed-SIMD fused multiply-add when the engine has it (default true). */
  fma?: boolean;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The compiled kernel variant for these options; `fma` falls back to mul+add without relaxed SIMD. Each
 * variant compiles once per thread: V8 optimises a module's functions as they get hot, so a fresh module
 * per engine (a checkpoint's scoring pass, say) would run its first calls on the baseline compiler.
 */
export function compileKernel(shared: boolean, fma: boolean): Promise<{ module: WebAssembly.Module; fma: boolean }> {
  const key = `${shared ? "shared" : "private"} ${fma ? "fma" : "plain"}`;
  let compiled = compiledKernels.get(key);
  if (!compiled) {
    compiled = (async () => {
      const fmaBytes = decode(shared ? KERNEL_WASM_BASE64.fmaShared : KERNEL_WASM_BASE64.fmaPrivate);
      if (fma && WebAssembly.validate(fmaBytes)) return { module: await WebAssembly.compile(fmaBytes), fma: true };
      const plain = decode(shared ? KERNEL_WASM_BASE64.plainShared : KERNEL_WASM_BASE64.plainPrivate);
      return { module: await WebAssembly.compile(plain), fma: false };
    })();
    compiledKernels.set(key, compiled);
  }
  return compiled;
}
const compiledKernels = new Map<string, Promise<{ module: WebAssembly.Module; fma: boolean }>>();

export async function createWasmKernel(
  batchSize: number,
  params: Float32Array,
  dims: readonly number[] = MLP_DIMS,
  options: WasmKernelOptions = {},
): Promise<WasmKernel> {
  checkBatchSize(batchSize);
  checkDims(dims);
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${threads}`);
  if (threads === 2 && (typeof SharedArrayBuffer === "undefined" || typeof Worker === "undefined")) {
    throw new RangeError("threads must be 1 here: two threads need SharedArrayBuffer and Worker");
  }
  if (threads === 2 && batchSize < 8) throw new RangeError(`batchSize must be at least 8 for two threads, got ${batchSize}`);
  const plan = planMemory(batchSize, threads, dims);
  const pages = Math.ceil(plan.bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: threads === 2 });
  const { module, fma } = await compileKernel(threads === 2, options.fma ?? true);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const wasm = instance.exports as unknown as WasmExports;
  let worker: Worker | undefined;
  if (threads === 2) {
    worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    const ready = new Promise<void>((resolve, reject) => {
      worker!.onmessage = () => resolve();
      worker!.onerror = (e) => reject(e);
    });
    worker.postMessage({ module, memory, plan });
    await ready;
  }
  return new WasmKernel(batchSize, dims, params, wasm, memory, plan, fma, worker);
}

export class WasmKernel implements TrainKernel {
  readonly name: string;
  readonly batchSize: number;
  readonly dims: readonly number[];
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly threads: number;
  readonly fma: boolean;
  #wasm: WasmExports;
  #memory: WebAssembly.Memory;
  #plan: MemoryPlan;
  #publicLayout: ReturnType<typeof mlpLayout>;
  #f32: Float32Array;
  #control: Int32Array;
  #generation = 0;
  #worker: Worker | undefined;

  constructor(
    batchSize: number,
    dims: readonly number[],
    params: Float32Array,
    wasm: WasmExports,
    memory: WebAssembly.Memory,
    plan: MemoryPlan,
    fma: boolean,
    worker?: Worker,
  ) {
    this.batchSize = batchSize;
    this.dims = [...dims];
    this.threads = plan.regions.length;
    this.fma = fma;
    this.name = `wasm-simd${fma ? "-fma" : ""}${this.threads > 1 ? `-${this.threads}threads` : ""}`;
    this.inputs = new Float32Array(batchSize * IN);
    this.targets = new Float32Array(batchSize * OUT);
    this.#wasm = wasm;
    this.#memory = memory;
    this.#plan = plan;
    this.#publicLayout = mlpLayout(dims);
    this.#f32 = new Float32Array(memory.buffer);
    this.#control = new Int32Array(memory.buffer, plan.control, CONTROL_WORDS);
    this.#worker = worker;
    this.setParams(params);
  }

  computeGradient(): number {
    const plan = this.#plan;
    const f32 = this.#f32;
    // Stage the rows: inputs padded from 34 to 36 columns (the padding stays 0), targets as they are.
    plan.regions.forEach((region, r) => {
      const [from, to] = plan.spans[r];
      for (let i = from; i < to; i++) f32.set(this.inputs.subarray(i * IN, (i + 1) * IN), region.x / F + (i - from) * IN_PAD);
      f32.set(this.targets.subarray(from * OUT, to * OUT), region.y / F);
    });
    const scale = 2 / (this.batchSize * OUT);
    let sum: number;
    if (this.#worker) {
      const control = this.#control;
      const generation = ++this.#generation;
      Atomics.store(control, CONTROL.command, COMMAND.step);
      Atomics.store(control, CONTROL.start, generation);
      Atomics.notify(control, CONTROL.start);
      const [from, to] = plan.spans[0];
      sum = forwardBackward(this.#wasm, plan, plan.regions[0], to - from, scale, plan.grads[0]);
      for (let done = Atomics.load(control, CONTROL.done); done !== generation; done = Atomics.load(control, CONTROL.done)) {
        Atomics.wait(control, CONTROL.done, done);
      }
      sum += new Float64Array(this.#memory.buffer, plan.control + CONTROL.resultByte, 1)[0];
      this.#wasm.addInto(plan.grads[0], plan.grads[1], plan.size);
    } else {
      sum = forwardBackward(this.#wasm, plan, plan.regions[0], this.batchSize, scale, plan.grads[0]);
    }
    return sum / (this.batchSize * OUT);
  }

  gradient(): Float32Array {
    return this.#toPublic(this.#plan.grads[0]);
  }

  adamStep(k: number, adam: AdamOptions): void {
    checkAdamStep(k, adam);
    const { lr, beta1, beta2, epsilon } = adam;
    const plan = this.#plan;
    this.#wasm.adam(plan.params, plan.grads[0], plan.m, plan.v, plan.size, beta1, beta2, lr / (1 - beta1 ** k), 1 / (1 - beta2 ** k), epsilon);
    this.#refreshTransposes();
  }

  params(): Float32Array {
    return this.#toPublic(this.#plan.params);
  }

  setParams(params: Float32Array): void {
    const { layers, size } = this.#publicLayout;
    if (params.length !== size) throw new RangeError(`params must hold ${size} values, got ${params.length}`);
    const plan = this.#plan;
    const f32 = this.#f32;
    // Zero everything the kernel reads but never writes: padding rows and columns, moments.
    f32.fill(0, plan.params / F, plan.bytes / F);
    const base = plan.params / F;
    plan.hidden.forEach(({ fanIn, fanOut, outPad, weight, bias }, l) => {
      const pub = layers[l];
      for (let k = 0; k < fanIn; k++) {
        f32.set(params.subarray(pub.weight + k * fanOut, pub.weight + (k + 1) * fanOut), base + weight + k * outPad);
      }
      f32.set(params.subarray(pub.bias, pub.bias + fanOut), base + bias);
    });
    const out = layers[layers.length - 1];
    const lastPad = plan.hidden[plan.hidden.length - 1].outPad;
    for (let k = 0; k < out.fanIn; k++) {
      for (let c = 0; c < OUT; c++) f32[base + plan.outWeight + c * lastPad + k] = params[out.weight + k * OUT + c];
    }
    f32.set(params.subarray(out.bias, out.bias + OUT), base + plan.outBias);
    this.#refreshTransposes();
  }

  dispose(): void {
    if (!this.#worker) return;
    Atomics.store(this.#control, CONTROL.command, COMMAND.exit);
    Atomics.store(this.#control, CONTROL.start, ++this.#generation);
    Atomics.notify(this.#control, CONTROL.start);
    this.#worker.terminate();
    this.#worker = undefined;
  }

  #refreshTransposes(): void {
    const { params, hidden } = this.#plan;
    for (const { inPad, outPad, weight, transposed } of hidden) {
      if (transposed >= 0) this.#wasm.transpose(params + weight * F, transposed, inPad, outPad);
    }
  }

  /** Reads a parameter-shaped block (parameters or a gradient) back into the public layout. */
  #toPublic(address: number): Float32Array {
    const { layers, size } = this.#publicLayout;
    const plan = this.#plan;
    const f32 = this.#f32;
    const base = address / F;
    const out = new Float32Array(size);
    plan.hidden.forEach(({ fanIn, fanOut, outPad, weight, bias }, l) => {
      const pub = layers[l];
      for (let k = 0; k < fanIn; k++) {
        out.set(f32.subarray(base + weight + k * outPad, base + weight + k * outPad + fanOut), pub.weight + k * fanOut);
      }
      out.set(f32.subarray(base + bias, base + bias + fanOut), pub.bias);
    });
    const last = layers[layers.length - 1];
    const lastPad = plan.hidden[plan.hidden.length - 1].outPad;
    for (let k = 0; k < last.fanIn; k++) {
      for (let c = 0; c < OUT; c++) out[last.weight + k * OUT + c] = f32[base + plan.outWeight + c * lastPad + k];
    }
    out.set(f32.subarray(base + plan.outBias, base + plan.outBias + OUT), last.bias);
    return out;
  }
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
