/**
 * The three panels of the sampling page, one after the other, cancellable, with progress. The page runs
 * them in its sampling worker (samplingWorker.ts).
 *
 * A denoiser may never give the event loop a turn (the fused kernel and the oracle are synchronous, and
 * onnxruntime's wasm runs resolve on microtasks), so a 1000-step run would hold its thread until it ends
 * and an abort message could not get through. `yieldingDenoiser` hands control back for a macrotask
 * whenever about `sliceMs` of work has passed: messages (an abort) then run between steps, at a cost of
 * one message round trip (well under a millisecond) per slice.
 */

import type { Denoiser } from "../core/denoiser.js";
import { sample } from "../core/sample.js";
import type { DdpmVariance, FlowSamplerName, SamplerName } from "../core/samplers/index.js";
import type { Schedule } from "../core/schedule.js";

/** Resolves on the next macrotask. A MessageChannel message is not clamped to 4 ms like nested setTimeout. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The denoiser, yielding to the event loop before a call once `sliceMs` have passed since the last yield. */
export function yieldingDenoiser(denoiser: Denoiser, sliceMs = 12): Denoiser {
  if (!(sliceMs >= 0)) throw new RangeError(`sliceMs must be a number ≥ 0, got ${sliceMs}`);
  let last = performance.now();
  return {
    parameterization: denoiser.parameterization,
    objective: denoiser.objective,
    async predict(x, t) {
      if (performance.now() - last >= sliceMs) {
        await macrotask();
        last = performance.now();
      }
      return denoiser.predict(x, t);
    },
  };
}

export interface PanelSettings {
  /** A sampler of the denoiser's objective. */
  sampler: SamplerName | FlowSamplerName;
  variance: DdpmVariance;
  eta: number;
  /** One step count per panel. */
  steps: number[];
  seed: number;
  n: number;
}

export interface PanelResult {
  steps: number;
  samples: Float64Array;
  /** Wall-clock time of this panel's sampling, in ms. */
  ms: number;
}

export interface PanelRunOptions {
  /** A DDPM model's schedule; a flow model has none. */
  schedule?: Schedule;
  denoiser: Denoiser;
  settings: PanelSettings;
  signal?: AbortSignal;
  /** Steps done and to do, over all panels. */
  onProgress?: (done: number, total: number) => void;
  /** Each panel as soon as it is sampled. */
  onPanel?: (index: number, panel: PanelResult) => void;
  /**
   * A panel's points on the way, every `partialMs` (default 400) once the panel has run that long, so a
   * long run draws as it goes (each drawing costs the page a few dozen ms).
   */
  onPartial?: (index: number, x: Float64Array, done: number) => void;
  partialMs?: number;
  sliceMs?: number;
}

/**
 * Samples every panel from the same x_T (sample() draws it first from the seed, whatever the step
 * count), fewest steps first as given. Rejects with the signal's reason when aborted.
 */
export async function samplePanels(options: PanelRunOptions): Promise<PanelResult[]> {
  const { schedule, settings, signal, onProgress, onPanel, onPartial, partialMs = 400 } = options;
  const denoiser = yieldingDenoiser(options.denoiser, options.sliceMs);
  const total = settings.steps.reduce((sum, k) => sum + k, 0);
  const panels: PanelResult[] = [];
  let before = 0;
  for (const [index, steps] of settings.steps.entries()) {
    const start = performance.now();
    let drawn = start;
    // DDPM's noise settings go only to a DDPM model: sample() refuses them for a flow model.
    const noise = denoiser.objective === "flow-matching" ? {} : { variance: settings.variance, eta: settings.eta };
    const result = await sample({
      schedule,
      denoiser,
      sampler: settings.sampler,
      ...noise,
      steps,
      n: settings.n,
      seed: settings.seed,
      signal,
      onStep: (done, _, x) => {
        onProgress?.(before + done, total);
        const now = performance.now();
        if (onPartial && done < steps && now - drawn >= partialMs) {
          drawn = now;
          onPartial(index, x, done);
        }
      },
    });
    const panel = { steps, samples: result.samples, ms: performance.now() - start };
    before += steps;
    panels.push(panel);
    onPanel?.(index, panel);
    // Let messages through (an abort, the page's drawing when it runs in the page) before the next panel.
    await macrotask();
    signal?.throwIfAborted();
  }
  return panels;
}
