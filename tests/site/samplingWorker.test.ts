/**
 * The Sampling page's worker protocol without a browser: the page's client (samplingWorkerClient.ts)
 * talking to the worker's service (samplingService.ts) through a loopback "worker" that structured-
 * clones every message, as postMessage does. A run gives the samples sample() gives; an abort answers
 * the page at once and stops the worker's run; a worker that dies fails what waits on it.
 */
import { describe, expect, it } from "vitest";
import { JSDOM } from "jsdom";
import { makeDataset } from "../../src/core/datasets.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { runProgress } from "../../src/components/runProgress.js";
import { modelSpec } from "../../src/components/samplingModels.js";
import { samplingRuns, type SamplingView } from "../../src/components/samplingPanels.js";
import { macrotask } from "../../src/components/samplingRunner.js";
import { samplingService } from "../../src/components/samplingService.js";
import type { SamplingAnswer, SamplingCommand } from "../../src/components/samplingWorkerClient.js";
import { workerBackend } from "../../src/components/samplingWorkerClient.js";

const document = new JSDOM("").window.document;
const schedule = { kind: "linear" as const, T: 20, betaStart: 1e-3, betaEnd: 0.2 };
const dataset = { name: "spiral" as const, n: 64, seed: 1 };
const sources = { defaultModel: { bytes: () => Promise.reject(new Error("not used")), schedule, dataset }, session: null };

/**
 * A worker on this thread: messages cross as structured clones, each on a later macrotask (a
 * MessageChannel message, as the sampler's own slices are, so they take turns as a worker's would).
 */
class LoopbackWorker {
  onmessage: ((event: { data: SamplingAnswer }) => void) | null = null;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null = null;
  answers: SamplingAnswer[] = [];
  commands: SamplingCommand[] = [];
  terminated = false;
  /** Keep commands without handling them (a worker still starting). */
  hold = false;
  #handle = samplingService((answer, transfer = []) => {
    const copy = structuredClone(answer, { transfer });
    this.answers.push(copy);
    macrotask().then(() => this.onmessage?.({ data: copy }));
  }, { sliceMs: 0, partialMs: Infinity });

  postMessage(command: SamplingCommand) {
    const copy = structuredClone(command);
    this.commands.push(copy);
    if (!this.hold) macrotask().then(() => this.#handle(copy));
  }

  terminate() {
    this.terminated = true;
  }

  fail(message: string) {
    this.onerror?.({ message, preventDefault() {} });
  }
}

function setup(hold = false) {
  const workers: LoopbackWorker[] = [];
  const backend = workerBackend({
    createWorker: () => {
      const worker = new LoopbackWorker();
      worker.hold = hold && workers.length === 0;
      workers.push(worker);
      return worker as unknown as Worker;
    },
    spec: (choice) => modelSpec(choice, sources),
    files: { wasmPaths: { wasm: "unused" } },
  });
  return { backend, workers };
}

const settings = { sampler: "ddim" as const, variance: "betaTilde" as const, eta: 0.5, seed: 3, n: 16 };

describe("the sampling worker's protocol", () => {
  it("samples through the worker what sample() samples here, with its metrics, and each model is sent once", async () => {
    const { backend, workers } = setup();
    const progress = runProgress({ document });
    const build = { settings: { ...settings, steps: [1, 2, 3] }, dataset, floor: { swd: 0, mmd: 0, precision: 1, coverage: 1 }, panels: [] };
    const runs = samplingRuns({ backend, build, progress });
    const views: SamplingView[] = [];
    await runs.run({ model: "oracle", ...settings, steps: [1, 4, 9] }, (view) => views.push(view), new AbortController().signal);
    await runs.run({ model: "oracle", ...settings, seed: 4, steps: [1, 4, 9] }, (view) => views.push(view), new AbortController().signal);
    const done = views.at(-1)!;
    expect(done.status).toBe("done");
    const data = makeDataset("spiral", dataset);
    for (const panel of done.panels) {
      const direct = await sample({ schedule: makeSchedule(schedule), denoiser: oracleDenoiser(makeSchedule(schedule), data), ...settings, seed: 4, steps: panel.steps });
      expect(panel.samples).toEqual(direct.samples);
      expect(panel.end).toHaveLength(16);
    }
    expect(done.data).toEqual(data);
    expect(workers).toHaveLength(1);
    expect(workers[0].commands.filter((c) => c.type === "model")).toHaveLength(1);
    expect(progress.element.textContent).toMatch(/^Sampled 16 points with exact oracle, plain JavaScript: /);
  });

  it("answers an abort at once on the page, and the worker's run stops", async () => {
    const { backend, workers } = setup();
    const controller = new AbortController();
    const running = backend.sample({ choice: "oracle", settings: { ...settings, n: 4096 }, steps: [20, 20, 20] }, controller.signal, {
      onProgress: () => controller.abort(),
    });
    await expect(running).rejects.toThrow(/abort/i);
    const worker = workers[0];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const id = worker.commands.find((c) => c.type === "sample")!;
    expect(worker.commands.at(-1)).toEqual({ type: "abort", id: (id as { id: number }).id });
    // The worker stopped within its first panel (a few ms into a run of 60 steps), and answered nothing after.
    expect(worker.answers.filter((a) => a.type === "panel")).toEqual([]);
    expect(worker.answers.some((a) => a.type === "result" || a.type === "failed")).toBe(false);
  });

  it("fails what waits on a worker that dies, and starts a new one for the next request", async () => {
    const { backend, workers } = setup(true);
    const waiting = backend.describe("oracle");
    await expect.poll(() => workers[0]?.commands.map((c) => c.type)).toEqual(["model", "describe"]);
    workers[0].fail("out of memory");
    await expect(waiting).rejects.toThrow("the sampling worker failed: out of memory");
    expect(workers[0].terminated).toBe(true);
    const facts = await backend.describe("oracle");
    expect(facts).toMatchObject({ objective: "ddpm", maxSteps: 20, byEnd: true, ownData: false });
    expect(workers).toHaveLength(2);
  });
});
