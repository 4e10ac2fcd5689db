/**
 * The overview's forward chain (core/overviewChain.ts) computed off the page's main thread.
 */
import type { DatasetName } from "../core/datasets.js";
import { type PackedChain, unpackChain } from "../core/overviewChain.js";

/**
 * The whole chain of `dataset` (t = 0 … T), computed in a worker (`workerUrl`: overviewChainWorker.js), so
 * that the page never stops answering while it runs. The worker ends when the chain arrives or `invalidation`
 * resolves (the reader chose another dataset); the promise then settles all the same, since Framework
 * computes a cell's next value only once its last one has settled.
 */
export function chainInWorker(workerUrl: string, dataset: DatasetName, invalidation: Promise<unknown>): Promise<Map<number, Float64Array>> {
  const worker = new Worker(workerUrl, { type: "module" });
  return new Promise((resolve, reject) => {
    invalidation.then(() => {
      worker.terminate();
      reject(new Error(`the chain of the ${dataset} was superseded`));
    });
    worker.onmessage = ({ data }: MessageEvent<PackedChain>) => {
      worker.terminate();
      resolve(unpackChain(data));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`the overview's chain worker failed: ${event.message}`));
    };
    worker.postMessage(dataset);
  });
}
