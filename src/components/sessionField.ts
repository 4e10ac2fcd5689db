/**
 * The Fields page's view of the model trained on the Train page in this tab, computed in the browser as
 * the build computes the built-in ones (src/data/views/fields.ts): the same grid, run and frames, on the
 * fused WebAssembly SIMD kernel, one thread. 24 steps of 160 points and 24 grids of 289 points are about
 * 11,000 points through the network, 0.1 to 0.3 s on a shared laptop core: each of the 48 calls runs as
 * its own task, so the page keeps answering meanwhile.
 */

import { arrowGrid } from "../core/arrowGrid.js";
import { FIELD_VIEW, type FieldAlongSampling, fieldAlongSampling } from "../core/fieldAlongSampling.js";
import type { Denoiser } from "../core/denoiser.js";
import { asFlowNetwork } from "../core/flow/network.js";
import { makeSchedule } from "../core/schedule.js";
import type { Objective } from "../core/settings.js";
import { createWasmDenoiser } from "../engines/fused/wasmDenoiser.js";
import { type SessionModel, sessionTrainingSet } from "./sessionModel.js";

export interface SessionField extends FieldAlongSampling {
  objective: Objective;
  /** What the session model was trained on, drawn behind the arrows. */
  data: Float64Array;
}

/** The denoiser with each call put off to a task of its own (awaiting a ready value would not yield). */
function yieldingEachCall(denoiser: Denoiser): Denoiser {
  return {
    parameterization: denoiser.parameterization,
    objective: denoiser.objective,
    predict: async (x, t) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return denoiser.predict(x, t);
    },
  };
}

export async function sessionField(session: SessionModel): Promise<SessionField> {
  // zod (the config module's) loads only when a session model is shown.
  const { modelDims, objectiveOf } = await import("../core/training/config.js");
  const { config } = session;
  const objective = objectiveOf(config.model);
  const engine = await createWasmDenoiser(session.params, { parameterization: config.model.parameterization, dims: modelDims(config.model), threads: 1 });
  try {
    const denoiser = yieldingEachCall(objective === "flow-matching" ? asFlowNetwork(engine) : engine);
    const { extent, count, n, seed } = FIELD_VIEW;
    // A DDPM schedule of fewer than FIELD_VIEW.steps indices (T = 10, say) has one frame per index.
    const steps = objective === "ddpm" ? Math.min(FIELD_VIEW.steps, config.schedule.T) : FIELD_VIEW.steps;
    const run = await fieldAlongSampling(
      { denoiser, schedule: makeSchedule(config.schedule) },
      { steps, n, seed, grid: arrowGrid(extent, count).points },
    );
    return { ...run, objective, data: sessionTrainingSet(session) };
  } finally {
    engine.dispose();
  }
}
