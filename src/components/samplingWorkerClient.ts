/**
 * The Sampling page's side of its sampling worker (samplingWorker.ts): a PanelBackend whose work runs
 * off the page's main thread, so the page stays responsive however long a run takes. Requests and
 * answers carry an id; an aborted request is answered at once on the page and told to the worker,
 * which stops at its next slice (samplingWork.ts, sliceMs).
 */

import type { Metrics } from "../core/metrics.js";
import type { EngineFiles, ModelChoice, ModelSpec } from "./samplingModels.js";
import type { ModelFacts, PanelBackend, PanelCallbacks, PanelRequest, SampledPanel } from "./samplingWork.js";

/** What the page says to the worker. */
export type SamplingCommand =
  | { type: "model"; spec: ModelSpec; files: EngineFiles }
  | { type: "describe"; id: number; choice: ModelChoice }
  | { type: "floor"; id: number; choice: ModelChoice; n: number }
  | { type: "sample"; id: number; request: PanelRequest }
  | { type: "abort"; id: number };

/** What the worker answers, by request id. */
export type SamplingAnswer =
  | { type: "result"; id: number; value: ModelFacts | Metrics | null }
  | { type: "failed"; id: number; message: string }
  | { type: "progress"; id: number; done: number; total: number }
  | { type: "partial"; id: number; index: number; x: Float64Array; done: number }
  | { type: "panel"; id: number; index: number; panel: SampledPanel };

export interface WorkerBackendOptions {
  /** Starts the worker (on the first request). */
  createWorker: () => Worker;
  /** The spec of a model choice, sent to the worker before its first request for that choice. */
  spec: (choice: ModelChoice) => Promise<ModelSpec>;
  /** Where the page serves the engines' files. */
  files: EngineFiles;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  callbacks?: PanelCallbacks;
}

export function workerBackend(options: WorkerBackendOptions): PanelBackend {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const sent = new Map<ModelChoice, Promise<void>>();

  function start(): Worker {
    if (worker) return worker;
    const started = options.createWorker();
    started.onmessage = ({ data: answer }: MessageEvent<SamplingAnswer>) => {
      const request = pending.get(answer.id);
      if (!request) return; // aborted on this side already
      if (answer.type === "result") {
        pending.delete(answer.id);
        request.resolve(answer.value);
      } else if (answer.type === "failed") {
        pending.delete(answer.id);
        request.reject(new Error(answer.message));
      } else if (answer.type === "progress") {
        request.callbacks?.onProgress?.(answer.done, answer.total);
      } else if (answer.type === "partial") {
        request.callbacks?.onPartial?.(answer.index, answer.x, answer.done);
      } else {
        request.callbacks?.onPanel?.(answer.index, answer.panel);
      }
    };
    // A worker that fails to load or dies fails every request; the next request starts a new one.
    started.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`the sampling worker failed: ${event.message || "it could not start"}`);
      for (const request of pending.values()) request.reject(error);
      pending.clear();
      sent.clear();
      started.terminate();
      if (worker === started) worker = undefined;
    };
    worker = started;
    return started;
  }

  function sendModel(choice: ModelChoice): Promise<void> {
    let promise = sent.get(choice);
    if (!promise) {
      promise = options.spec(choice).then((spec) => start().postMessage({ type: "model", spec, files: options.files } satisfies SamplingCommand));
      promise.catch(() => sent.delete(choice));
      sent.set(choice, promise);
    }
    return promise;
  }

  async function ask<V>(choice: ModelChoice, command: (id: number) => SamplingCommand, signal?: AbortSignal, callbacks?: PanelCallbacks): Promise<V> {
    await sendModel(choice);
    signal?.throwIfAborted();
    const id = nextId++;
    const target = start();
    return new Promise<V>((resolve, reject) => {
      const onAbort = () => {
        if (!pending.delete(id)) return;
        target.postMessage({ type: "abort", id } satisfies SamplingCommand);
        reject(signal!.reason);
      };
      pending.set(id, {
        resolve: (value) => (signal?.removeEventListener("abort", onAbort), resolve(value as V)),
        reject: (error) => (signal?.removeEventListener("abort", onAbort), reject(error)),
        callbacks,
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      target.postMessage(command(id));
    });
  }

  return {
    describe: (choice) => ask<ModelFacts>(choice, (id) => ({ type: "describe", id, choice })),
    floor: (choice, n) => ask<Metrics>(choice, (id) => ({ type: "floor", id, choice, n })),
    sample: (request, signal, callbacks) => ask<void>(request.choice, (id) => ({ type: "sample", id, request }), signal, callbacks),
  };
}
