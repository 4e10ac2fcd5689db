/**
 * A Deno worker that builds one report run at a time (run.ts) for pool.ts, so that runs of a sweep
 * train and sample on both cores. It takes a RunTask, posts progress as it goes, and ends each
 * task with its result or a one-line error.
 *
 * An "abort" message ends the task at its next progress report: the progress callback throws, which
 * stops the training loop, and ensureRun then deletes its unfinished run, so the run cache keeps only
 * complete runs (ensureRun takes no AbortSignal; a throw from its callback is its way to stop).
 */
import type { RunResult } from "../../core/reports/report.js";
import { buildRun, type RunProgress, type RunTask } from "./run.js";

export type WorkerRequest = { type: "task"; task: RunTask } | { type: "abort" };
export type WorkerReply =
  | { type: "progress"; event: RunProgress }
  | { type: "done"; result: RunResult }
  | { type: "error"; message: string };

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

let aborting = false;

scope.onmessage = async (event) => {
  const request = event.data;
  if (request.type === "abort") {
    aborting = true;
    return;
  }
  aborting = false;
  try {
    const result = await buildRun(request.task, (progress) => {
      if (aborting) throw new Error("aborted");
      scope.postMessage({ type: "progress", event: progress });
    });
    scope.postMessage({ type: "done", result });
  } catch (error) {
    scope.postMessage({ type: "error", message: (error instanceof Error ? error.message : String(error)).split("\n")[0] });
  }
};
