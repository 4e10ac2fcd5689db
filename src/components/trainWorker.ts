/**
 * The Train page's worker: runs core/training's loop (Algorithm 1) on the chosen engine, off the page's
 * main thread, and reports progress, checkpoints with a preview sample, and the end of the run.
 *
 * Loaded as a module worker from the built site: Framework bundles this file and its imports like any
 * local module, and the engines (tfjs, the fused kernel) are imported only once a run asks for them.
 * The tfjs wasm backend fetches its .wasm files at run time; each import.meta.resolve below makes
 * Framework copy one of them into dist/_node, and gives its URL.
 */
import { fusedNetworkPass } from "../engines/fused/networkPass.js";
import { createReferenceDenoiser } from "../engines/reference/referenceDenoiser.js";
import { createTrainEngine } from "../engines/trainEngines.js";
import type { TfjsEngine } from "../engines/tfjs/trainer.js";
import { makeDataset } from "../core/datasets.js";
import type { Denoiser } from "../core/denoiser.js";
import { asFlowNetwork } from "../core/flow/network.js";
import { slicedWasserstein } from "../core/metrics.js";
import { sample } from "../core/sample.js";
import { makeSchedule } from "../core/schedule.js";
import { splitHalves } from "../core/splitHalf.js";
import { isFileDataset, modelDims, objectiveOf, parseTrainConfig, type TrainConfig } from "../core/training/config.js";
import type { TrainBatch, TrainEngine } from "../core/training/engine.js";
import { type CheckpointEvent, train, TrainingDivergedError } from "../core/training/train.js";
import { runVersions } from "../core/training/versions.js";
import {
  BROWSER_EVAL_POINTS,
  browserCheckpoints,
  PREVIEW_POINTS,
  PREVIEW_SAMPLER_STEPS,
  PREVIEW_SEED,
  type TrainMessage,
  type TrainRequest,
} from "./trainProtocol.js";

const TFJS_WASM_FILES = [
  import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
  import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm"),
];
/** tfjs wants the folder that holds all three. */
const TFJS_WASM_FOLDER = new URL(".", TFJS_WASM_FILES[0]).href;
/** The steps-per-second readout averages over this much training time. */
const RATE_WINDOW_MS = 2000;

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;

function post(message: TrainMessage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/**
 * Training time: wall-clock time less pauses and previews, so steps per second measure the training,
 * not the reader's breaks or the sampling done for the page.
 */
class TrainingClock {
  #start = performance.now();
  #excluded = 0;
  #pausedAt: number | undefined;
  /** (step, training ms) pairs of the last RATE_WINDOW_MS, oldest first. */
  #samples: { step: number; ms: number }[] = [{ step: 0, ms: 0 }];

  ms(): number {
    const now = this.#pausedAt ?? performance.now();
    return now - this.#start - this.#excluded;
  }

  exclude(ms: number): void {
    this.#excluded += ms;
  }

  pause(): void {
    this.#pausedAt ??= performance.now();
  }

  resume(): void {
    if (this.#pausedAt === undefined) return;
    this.#excluded += performance.now() - this.#pausedAt;
    this.#pausedAt = undefined;
  }

  /** Steps per second over the last RATE_WINDOW_MS of training time. */
  rate(step: number): number {
    const ms = this.ms();
    const samples = this.#samples;
    while (samples.length > 1 && samples[1].ms <= ms - RATE_WINDOW_MS) samples.shift();
    const [oldest] = samples;
    samples.push({ step, ms });
    return ms > oldest.ms ? ((step - oldest.step) * 1000) / (ms - oldest.ms) : 0;
  }
}

/** The engine as the page runs it: its steps wait while the run is paused. */
class PausableEngine implements TrainEngine {
  readonly name: string;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  constructor(readonly inner: TrainEngine) {
    this.name = inner.name;
  }

  get paused(): boolean {
    return this.#gate !== undefined;
  }

  pause(): void {
    this.#gate ??= new Promise((resolve) => (this.#open = resolve));
  }

  resume(): void {
    this.#open?.();
    this.#gate = undefined;
    this.#open = undefined;
  }

  step(batch: TrainBatch, lr: number): number | Promise<number> {
    return this.#gate ? this.#gate.then(() => this.inner.step(batch, lr)) : this.inner.step(batch, lr);
  }

  params(): Float32Array | Promise<Float32Array> {
    return this.inner.params();
  }

  dispose(): void | Promise<void> {
    return this.inner.dispose();
  }
}

/** What the engine runs on, in words: tfjs reports its backend (and the WebGPU adapter), the fused kernel its variant. */
async function describeEngine(engine: TrainEngine): Promise<string> {
  const backend = (engine as Partial<TfjsEngine>).backend;
  if (!backend) {
    const fma = engine.name.includes("-fma") ? " with relaxed-SIMD fused multiply-add" : "";
    return engine.name.startsWith("fused-wasm") ? `WebAssembly SIMD kernel${fma}, one thread` : engine.name;
  }
  if (backend.name !== "webgpu") return backend.detail;
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  type Info = { vendor: string; architecture: string; isFallbackAdapter?: boolean };
  const info = (adapter as (GPUAdapter & { info?: Info }) | null)?.info;
  if (!info) return "webgpu";
  const name = [info.vendor, info.architecture].filter(Boolean).join(", ") || "unnamed adapter";
  // A fallback adapter (SwiftShader, without a usable GPU) runs the shaders on the CPU.
  return `webgpu (${name}${info.isFallbackAdapter ? ": a software adapter, slower than the fused kernel" : ""})`;
}

async function versions(engine: TrainEngine): Promise<Record<string, string>> {
  const packages: Record<string, string> = {};
  if (engine.name.startsWith("tfjs")) packages["@tensorflow/tfjs"] = (await import("@tensorflow/tfjs")).version.tfjs;
  return runVersions(engine.name, { runtime: { browser: navigator.userAgent }, packages });
}

/** A split of points into halves (splitHalf.ts): at most PREVIEW_POINTS of the second, and the first. */
function splitHalfPair(points: Float64Array, seed: number): [Float64Array, Float64Array] {
  const [first, second] = splitHalves(points, seed);
  return [second.subarray(0, 2 * PREVIEW_POINTS), first];
}

/** A worker trains one run: the page makes a new one for the next. */
let startRequested = false;
let running: { engine: PausableEngine; clock: TrainingClock; controller: AbortController } | undefined;

async function run(input: TrainRequest & { type: "start" }): Promise<void> {
  const requested = performance.now();
  // The page's checkpoints (and previews) depend on the run's length, which the config may leave to its default.
  const { steps } = parseTrainConfig(input.config).training;
  const config: TrainConfig = parseTrainConfig({
    ...input.config,
    training: { ...input.config.training, checkpoints: browserCheckpoints(steps) },
  });
  const inner = await createTrainEngine(config, { tfjsWasmPaths: TFJS_WASM_FOLDER });
  const engine = new PausableEngine(inner);
  const clock = new TrainingClock();
  const controller = new AbortController();
  running = { engine, clock, controller };
  try {
    const { name, n, seed, noise } = config.dataset;
    if (isFileDataset(config.dataset) && !input.points) throw new RangeError(`dataset.file ${config.dataset.file}: its points were not sent`);
    const data = input.points ?? makeDataset(name, { n, seed, noise });
    const flow = objectiveOf(config.model) === "flow-matching";
    const schedule = flow ? undefined : makeSchedule(config.schedule);
    const denoiserOptions = { parameterization: config.model.parameterization, dims: modelDims(config.model) };
    // The network's raw output is a flow model's velocity: marked so, sample() runs it with a flow sampler.
    const network = (params: Float32Array): Denoiser => {
      const denoiser = createReferenceDenoiser(params, denoiserOptions);
      return flow ? asFlowNetwork(denoiser) : denoiser;
    };
    // What a perfect model would score: a fresh draw of the data, as many points as a preview. A file has
    // no fresh draws, and its own points score near 0 against it: as the CLI's split-half floor, one
    // random half (at most a preview's worth) is scored against the other.
    const swdFloor = input.points
      ? slicedWasserstein(...splitHalfPair(input.points, seed + 1))
      : slicedWasserstein(makeDataset(name, { n: PREVIEW_POINTS, seed: seed + 1, noise }), data);
    post({
      type: "started",
      config,
      engine: engine.name,
      detail: await describeEngine(inner),
      versions: await versions(inner),
      startSeconds: (performance.now() - requested) / 1000,
      swdFloor,
    });

    const onCheckpoint = async (event: CheckpointEvent) => {
      const began = performance.now();
      const { samples } = await sample({
        schedule,
        denoiser: network(event.params),
        sampler: flow ? "euler" : "ddim",
        steps: schedule ? Math.min(PREVIEW_SAMPLER_STEPS, schedule.T) : PREVIEW_SAMPLER_STEPS,
        n: PREVIEW_POINTS,
        seed: PREVIEW_SEED,
      });
      const swd = samples.every(Number.isFinite) ? slicedWasserstein(samples, data) : NaN;
      const params = event.params.slice();
      clock.exclude(performance.now() - began);
      post({
        type: "checkpoint",
        step: event.step,
        params,
        loss: event.loss,
        lossByTimestep: event.lossByTimestep,
        lossHistory: event.lossHistory,
        preview: samples,
        swd,
      }, [params.buffer, samples.buffer]);
    };

    const result = await train(config, engine, {
      signal: controller.signal,
      evalPoints: BROWSER_EVAL_POINTS,
      // Checkpoints scored by the fused kernel's pass (a tenth of the float64 reference's time), as the CLI's are.
      evalPass: fusedNetworkPass({ threads: 1 }),
      filePoints: input.points,
      onCheckpoint,
      onProgress: ({ step, steps, loss }) => {
        post({ type: "progress", step, steps, loss, stepsPerSecond: clock.rate(step), seconds: clock.ms() / 1000 });
      },
    });
    post({
      type: "done",
      status: result.aborted ? "aborted" : "completed",
      step: result.step,
      lossHistory: result.lossHistory,
      trainingSeconds: clock.ms() / 1000,
    });
  } finally {
    running = undefined;
    await inner.dispose();
  }
}

scope.onmessage = (event: MessageEvent<TrainRequest>) => {
  const request = event.data;
  if (request.type === "start") {
    if (startRequested) return;
    startRequested = true;
    run(request).catch((error: unknown) => {
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      post({ type: "failed", message, diverged: error instanceof TrainingDivergedError });
    });
    return;
  }
  if (!running) return;
  const { engine, clock, controller } = running;
  if (request.type === "pause" && !engine.paused) {
    engine.pause();
    clock.pause();
    post({ type: "paused" });
  } else if (request.type === "resume" && engine.paused) {
    clock.resume();
    engine.resume();
    post({ type: "resumed" });
  } else if (request.type === "stop") {
    // The loop stops after the step in flight (a paused one runs first) and checkpoints the last step.
    controller.abort();
    clock.resume();
    engine.resume();
  }
};
