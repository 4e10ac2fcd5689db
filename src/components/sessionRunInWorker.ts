/**
 * The Trajectories page's side of sessionTrajectoryWorker.ts: one request, one run, and the worker is
 * gone. The page imports only this, so the engines and the config parser (zod) load in the worker alone.
 */
import type { SessionRun, SessionRunRequest } from "./sessionTrajectory.js";

export type SessionRunAnswer = { run: SessionRun } | { error: string };

/** The run of the request's model, sampled by a worker from `createWorker`, which is stopped after. */
export function sessionRunInWorker(createWorker: () => Worker, request: SessionRunRequest): Promise<SessionRun> {
  const worker = createWorker();
  return new Promise<SessionRun>((resolve, reject) => {
    worker.onmessage = ({ data: answer }: MessageEvent<SessionRunAnswer>) => {
      if ("error" in answer) reject(new Error(`sampling your model's paths failed: ${answer.error}`));
      else resolve(answer.run);
    };
    worker.onerror = (event) => reject(new Error(`sampling your model's paths failed: ${event.message}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}
