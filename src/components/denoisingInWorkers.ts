/**
 * The Denoising page's heavy work in a few workers (denoisingWorker.ts): the trained network's
 * prediction and the exact oracle's posterior mean for all the points at a step. The oracle costs a dot
 * product and an exp per point and training point, about 35 ms for 2048 × 2048 on one core, and the
 * network a few milliseconds more; on the main thread that is a long task at every move of the t
 * slider. Each worker takes a contiguous share of the points and computes what the main thread would,
 * so the answers are the same to the bit.
 */
import type { Parameterization } from "../core/parameterization.js";
import type { DenoisingWorkerAnswer, DenoisingWorkerRequest } from "./denoisingWorker.js";

export interface DenoisingInWorkers {
  /** The network's output at schedule index t, for interleaved points x. */
  network(x: Float64Array, t: number): Promise<Float64Array>;
  /** E[x_0 | x_t] over the training set, for interleaved points x = a x_0 + s ε. */
  oracleMean(x: Float64Array, a: number, s: number): Promise<Float64Array>;
  terminate(): void;
}

export interface DenoisingWorkerSetup {
  /** The training set, interleaved 2D points. */
  data: Float64Array;
  /** The network's float32 weights. */
  weights: Float32Array;
  parameterization: Parameterization;
  dims: number[];
}

type Job = { type: "network"; t: number } | { type: "oracle"; a: number; s: number };

/** `createWorker` makes one denoisingWorker.js; `count` workers share each job. */
export function denoisingInWorkers(createWorker: () => Worker, setup: DenoisingWorkerSetup, count: number): DenoisingInWorkers {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const pending = new Map<number, { resolve: (values: Float64Array) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  const workers = Array.from({ length: count }, () => {
    const worker = createWorker();
    worker.onmessage = ({ data: answer }: MessageEvent<DenoisingWorkerAnswer>) => {
      const waiting = pending.get(answer.id);
      pending.delete(answer.id);
      if ("error" in answer) waiting?.reject(new Error(`the denoising worker failed: ${answer.error}`));
      else waiting?.resolve(answer.values);
    };
    worker.onerror = (event) => failAll(new Error(`the denoising worker failed: ${event.message}`));
    worker.postMessage({ type: "setup", ...setup } satisfies DenoisingWorkerRequest);
    return worker;
  });
  let nextId = 0;
  const ask = (worker: Worker, x: Float64Array, job: Job) =>
    new Promise<Float64Array>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...job, id, x } as DenoisingWorkerRequest, [x.buffer]);
    });
  /** Splits the points into one contiguous share per worker and joins the answers in order. */
  const shared = async (x: Float64Array, job: Job) => {
    if (x.length % 2 !== 0) throw new RangeError(`x must hold interleaved 2D points (even length), got ${x.length}`);
    const points = x.length / 2;
    const share = Math.ceil(points / count);
    const parts = await Promise.all(workers.map((worker, k) => {
      const from = Math.min(points, k * share);
      return ask(worker, x.slice(2 * from, 2 * Math.min(points, from + share)), job);
    }));
    const out = new Float64Array(x.length);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  return {
    network: (x, t) => shared(x, { type: "network", t }),
    oracleMean: (x, a, s) => shared(x, { type: "oracle", a, s }),
    terminate() {
      for (const worker of workers) worker.terminate();
      failAll(new Error("the denoising workers were stopped"));
    },
  };
}
