/** How many steps the Trajectories page's run of the tab's model takes (the page and its worker agree on it). */
import type { Objective } from "../core/settings.js";

/** Steps of the run (at most a DDPM model's T): every one is kept as a frame, about as many as the precomputed runs keep. */
export const SESSION_RUN_STEPS = 100;

/** The steps the run of a model takes: SESSION_RUN_STEPS, or a DDPM model's T where that is fewer. */
export function sessionRunSteps(objective: Objective, T: number): number {
  return objective === "ddpm" ? Math.min(SESSION_RUN_STEPS, T) : SESSION_RUN_STEPS;
}
