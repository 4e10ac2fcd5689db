/**
 * The Trajectories page's side of sessionTrajectoryWorker.ts: one request, one run, and the worker is
 * gone. The page imports only this, so the engines and the config parser (zod) load in the worker alone.
 */
import type { Objective } from "../core/settings.js";
import type { SessionRun, SessionRunRequest } from "./sessionTrajectory.js";

/** Steps of the run (at most a DDPM model's T): every one is kept as a frame, about as many as the precomputed runs keep. */
export const SESSION_RUN_STEPS = 100;

/** The steps the run of a model takes: SESSION_RUN_STEPS, or a DDPM model's T where that is fewer. */
export function sessionRunSteps(objective: Objective, T: number): number {
  return objective === "ddpm" ? Math.min(SESSION_RUN_STEPS, T) : SESSION_RUN_STEPS;
}

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
