/**
 * The Sampling page's worker: the sampling service (samplingService.ts) on the worker's messages, off
 * the page's main thread.
 *
 * Loaded as a module worker from the built site: Framework bundles this file and its imports like any
 * local module.
 */
import { samplingService } from "./samplingService.js";
import type { SamplingCommand } from "./samplingWorkerClient.js";

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
const handle = samplingService((answer, transfer = []) => scope.postMessage(answer, transfer));
scope.onmessage = ({ data }: MessageEvent<SamplingCommand>) => handle(data);
