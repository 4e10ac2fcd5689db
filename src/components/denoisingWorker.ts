/**
 * A worker for the Denoising page: it holds the training set and the trained network, and answers for
 * the points it is sent with the network's prediction at a step (the fused WebAssembly kernel, or plain
 * TypeScript without SIMD) or with the exact oracle's posterior mean E[x_0 | x_t] (core/oracle.ts).
 * The same code runs as on the main thread, so the answers are the same to the bit; the page's main
 * thread only draws.
 */
import type { Denoiser } from "../core/denoiser.js";
import { posteriorMean, type PosteriorMean } from "../core/oracle.js";
import type { Parameterization } from "../core/parameterization.js";
import { createWasmDenoiser } from "../engines/fused/wasmDenoiser.js";
import { createReferenceDenoiser } from "../engines/reference/referenceDenoiser.js";

export type DenoisingWorkerRequest =
  | { type: "setup"; data: Float64Array; weights: Float32Array; parameterization: Parameterization; dims: number[] }
  | { type: "network"; id: number; x: Float64Array; t: number }
  | { type: "oracle"; id: number; x: Float64Array; a: number; s: number };

export type DenoisingWorkerAnswer = { id: number; values: Float64Array } | { id: number; error: string };

let ready: Promise<{ network: Denoiser; mean: PosteriorMean }> | undefined;

async function setup(request: Extract<DenoisingWorkerRequest, { type: "setup" }>) {
  const { data, weights, parameterization, dims } = request;
  const network = await createWasmDenoiser(weights, { parameterization, dims, threads: 1 })
    .catch(() => createReferenceDenoiser(weights, { parameterization, dims }));
  return { network, mean: posteriorMean(data) };
}

self.onmessage = async ({ data: request }: MessageEvent<DenoisingWorkerRequest>) => {
  if (request.type === "setup") {
    ready = setup(request);
    return;
  }
  const reply = (answer: DenoisingWorkerAnswer, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(answer, transfer);
  try {
    if (!ready) throw new Error("the denoising worker was asked before its setup");
    const { network, mean } = await ready;
    // A synchronous network answers before the next request is read: the page asks for it first.
    const raw = request.type === "network" ? network.predict(request.x, request.t) : mean(request.x, request.a, request.s);
    const values = Float64Array.from(raw instanceof Promise ? await raw : raw);
    reply({ id: request.id, values }, [values.buffer]);
  } catch (error) {
    reply({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
};
