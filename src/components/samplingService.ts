/**
 * The sampling worker's service (samplingWorker.ts installs it): opens the models the page sends,
 * scores floors and samples panels (samplingWork.ts), and answers as samplingWorkerClient.ts expects:
 * progress, points on the way, each panel when done, then the result. The samples' buffers are
 * transferred, not copied. An abort stops its request at the sampler's next slice.
 */
import type { Metrics } from "../core/metrics.js";
import { type EngineFiles, type ModelChoice, type ModelSpec, openModel } from "./samplingModels.js";
import { type ModelFacts, panelWork, type PanelWorkOptions } from "./samplingWork.js";
import type { SamplingAnswer, SamplingCommand } from "./samplingWorkerClient.js";

export type PostAnswer = (answer: SamplingAnswer, transfer?: Transferable[]) => void;

/** Progress goes to the page at most this often (ms), and at the end: a message per step would keep the page busy. */
export const PROGRESS_MS = 50;

/** A handler for the page's commands, answering through `post`. */
export function samplingService(post: PostAnswer, options: Omit<PanelWorkOptions, "open"> = {}): (command: SamplingCommand) => void {
  const specs = new Map<ModelChoice, { spec: ModelSpec; files: EngineFiles }>();
  const work = panelWork({
    ...options,
    open(choice) {
      const sent = specs.get(choice);
      if (!sent) return Promise.reject(new RangeError(`the page sent no model for ${choice}`));
      return openModel(sent.spec, sent.files);
    },
  });
  const running = new Map<number, AbortController>();

  async function answer(id: number, task: (signal: AbortSignal) => Promise<ModelFacts | Metrics | void>) {
    const controller = new AbortController();
    running.set(id, controller);
    try {
      const value = await task(controller.signal);
      post({ type: "result", id, value: value ?? null });
    } catch (error) {
      // An aborted request was answered on the page already; nothing waits for it.
      if (!controller.signal.aborted) post({ type: "failed", id, message: (error as Error).message ?? String(error) });
    } finally {
      running.delete(id);
    }
  }

  return (command) => {
    switch (command.type) {
      case "model":
        specs.set(command.spec.choice, { spec: command.spec, files: command.files });
        return;
      case "abort":
        running.get(command.id)?.abort();
        return;
      case "describe":
        answer(command.id, () => work.describe(command.choice));
        return;
      case "floor":
        answer(command.id, () => work.floor(command.choice, command.n));
        return;
      case "sample": {
        const { id, request } = command;
        let told = -Infinity;
        answer(id, (signal) =>
          work.sample(request, signal, {
            onProgress: (done, total) => {
              const now = performance.now();
              if (done < total && now - told < PROGRESS_MS) return;
              told = now;
              post({ type: "progress", id, done, total });
            },
            // The sampler steps on from x: the page gets a copy.
            onPartial: (index, x, done) => {
              const copy = x.slice();
              post({ type: "partial", id, index, x: copy, done }, [copy.buffer]);
            },
            onPanel: (index, panel) => {
              const transfer = [panel.samples.buffer, ...(panel.end ? [panel.end.buffer] : [])];
              post({ type: "panel", id, index, panel }, transfer);
            },
          }));
        return;
      }
    }
  };
}
