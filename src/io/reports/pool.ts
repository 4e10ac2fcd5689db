/**
 * The runs of a report built in parallel lanes, each lane a Deno worker (worker.ts) that builds one run
 * at a time, so runs of a sweep train and sample on every core.
 */
import { join } from "node:path";
import type { ReportConfig } from "../../core/reports/config.js";
import type { RunResult } from "../../core/reports/report.js";
import type { RunProgress, RunTask } from "./run.js";
import type { WorkerReply, WorkerRequest } from "./worker.js";

/**
 * The web Worker, taken before anything starts onnxruntime: its Emscripten build replaces
 * globalThis.Worker by node:worker_threads' Worker when its first session starts, and workers made
 * from that one never deliver their messages to this module's handlers.
 */
const WebWorker = globalThis.Worker;

/** How long an aborted worker may take to stop training and delete its unfinished run before it is terminated. */
const ABORT_GRACE_MS = 5_000;

export type ReportProgress =
  | RunProgress
  | { kind: "run-start"; run: string; label: string }
  | { kind: "run-done"; run: string; trained: boolean; seconds: { train: number; evaluate: number } };

export interface RunPoolOptions {
  /** The run cache (default data/runs/). */
  runsDir?: string;
  /** Runs built at once, each in its own worker (default: 2 on a machine with 2 or more cores). */
  parallel?: number;
  onProgress?: (event: ReportProgress) => void;
  /** Called as each run finishes; a throw fails the build like any error (tests inject faults here). */
  onRun?: (run: RunResult) => void | Promise<void>;
  /** What started the build, recorded in the provenance (e.g. the CLI command line). */
  command?: string;
  /** Aborting stops the runs in flight (their unfinished training is deleted); nothing is published. */
  signal?: AbortSignal;
}

/** Lanes for `runs` runs: as asked, else one per core up to 2, never more than the runs. */
export function lanesFor(runs: number, parallel?: number): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(parallel ?? Math.max(1, Math.min(2, cores)), runs));
}

/**
 * One task in a worker; rejects with its one-line error. On abort the worker is asked to stop (so that
 * the run cache loses its unfinished run) and terminated if it has not within ABORT_GRACE_MS.
 */
function runInWorker(
  worker: Worker,
  task: RunTask,
  onProgress: ((event: ReportProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      worker.onmessage = null;
      worker.onerror = null;
      outcome();
    };
    const abort = () => {
      worker.postMessage({ type: "abort" } satisfies WorkerRequest);
      timer = setTimeout(() => settle(() => (worker.terminate(), reject(signal!.reason))), ABORT_GRACE_MS);
    };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === "progress") return onProgress?.(reply.event);
      if (signal?.aborted) return settle(() => reject(signal.reason));
      if (reply.type === "done") settle(() => resolvePromise(reply.result));
      else settle(() => reject(new Error(`${task.plan.id} (${task.plan.label}): ${reply.message}`)));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      settle(() => reject(new Error(`${task.plan.id} (${task.plan.label}): ${event.message}`)));
    };
    if (signal?.aborted) return settle(() => reject(signal.reason));
    signal?.addEventListener("abort", abort, { once: true });
    worker.postMessage({ type: "task", task } satisfies WorkerRequest);
  });
}

/**
 * Builds the runs into `outDir/<id>/`, lanesFor(…) at a time. After a failure no new run starts; runs in
 * flight finish (so the run cache only ever gains complete runs), then the first error is thrown.
 */
export async function buildRuns(config: ReportConfig, runs: ReportConfig["runs"], outDir: string, options: RunPoolOptions): Promise<RunResult[]> {
  const parallel = lanesFor(runs.length, options.parallel);
  const results: RunResult[] = [];
  let next = 0;
  let failed = false;
  let failure: unknown;
  const lane = async () => {
    const worker = new WebWorker(new URL("./worker.ts", import.meta.url), { type: "module" });
    try {
      while (!failed && next < runs.length) {
        const plan = runs[next++];
        options.onProgress?.({ kind: "run-start", run: plan.id, label: plan.label });
        const task: RunTask = {
          plan,
          samplers: config.samplers,
          steps: config.steps,
          seeds: config.seeds,
          n: config.n,
          outDir: join(outDir, plan.id),
          runsDir: options.runsDir,
          numThreads: parallel > 1 ? 1 : undefined,
          command: `${options.command ?? `chisel report (${config.name})`}: ${plan.id}`,
        };
        const result = await runInWorker(worker, task, options.onProgress, options.signal);
        if (failed) break; // the build is failing: this run is cached, but reported to no one
        results.push(result);
        options.onProgress?.({ kind: "run-done", run: result.id, trained: result.trained, seconds: result.seconds });
        await options.onRun?.(result);
      }
    } catch (error) {
      if (!failed) failure = error;
      failed = true;
    } finally {
      worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  if (failed) throw failure;
  return results.sort((a, b) => a.index - b.index);
}
