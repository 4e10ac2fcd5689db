/**
 * The Trajectories page's worker: it samples the run of the model trained on the Train page
 * (sessionTrajectory.ts), a hundred network calls on a few hundred points, off the page's main thread.
 */
import { type SessionRunRequest, sessionModelRun } from "./sessionTrajectory.js";
import type { SessionRunAnswer } from "./sessionRunInWorker.js";

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async ({ data: request }: MessageEvent<SessionRunRequest>) => {
  try {
    const run = await sessionModelRun(request);
    scope.postMessage({ run } satisfies SessionRunAnswer, [run.xt.buffer, run.x0.buffer, run.end.buffer]);
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies SessionRunAnswer);
  }
};
