import type { Schedule } from "../schedule.js";
import { assertEta, DdimSampler } from "./ddim.js";
import { assertVariance, DdpmSampler } from "./ddpm.js";
import { DpmSolverPlusPlusSampler } from "./dpmSolverPlusPlus.js";
import { EulerSampler } from "./euler.js";
import { HeunSampler } from "./heun.js";
import type { FlowSampler, FlowSamplerName, Sampler, SamplerName, SamplerOptions } from "./types.js";

export type {
  DdpmVariance,
  FlowSampler,
  FlowSamplerName,
  FlowStepInput,
  Sampler,
  SamplerName,
  SamplerOptions,
  SamplerStepInput,
} from "./types.js";

import { FLOW_SAMPLER_NAMES, type Objective, SAMPLER_NAMES } from "../settings.js";

export { FLOW_SAMPLER_NAMES, SAMPLER_NAMES };

/**
 * A fresh sampler for one run (multistep samplers keep history, so do not share instances).
 * Both options are checked whichever sampler uses them, so a bad value never passes silently.
 */
export function createSampler(name: SamplerName, schedule: Schedule, options: SamplerOptions = {}): Sampler {
  if (options.eta !== undefined) assertEta(options.eta);
  if (options.variance !== undefined) assertVariance(options.variance);
  switch (name) {
    case "ddpm":
      return new DdpmSampler(schedule, options.variance);
    case "ddim":
      return new DdimSampler(schedule, options.eta);
    case "dpm-solver++":
      return new DpmSolverPlusPlusSampler(schedule);
    default:
      throw new RangeError(`sampler must be one of ${SAMPLER_NAMES.join(", ")}, got ${name}`);
  }
}

/** A sampler for a flow-matching model. */
export function createFlowSampler(name: FlowSamplerName): FlowSampler {
  switch (name) {
    case "euler":
      return new EulerSampler();
    case "heun":
      return new HeunSampler();
    default:
      throw new RangeError(`sampler must be one of ${FLOW_SAMPLER_NAMES.join(", ")}, got ${name}`);
  }
}

/** The samplers that run a model trained for `objective`. */
export function samplersFor(objective: Objective): readonly (SamplerName | FlowSamplerName)[] {
  return objective === "flow-matching" ? FLOW_SAMPLER_NAMES : SAMPLER_NAMES;
}

/**
 * Refuses, in one line naming the allowed samplers, a sampler that does not run a model of this
 * objective: a DDPM sampler reads its output as ε, x̂₀ or v on a noise schedule, a flow sampler as a
 * velocity over t ∈ [0, 1]. `option` is how the caller spells the option ("--sampler" in the CLI).
 */
export function checkSamplerFor(objective: Objective, name: string, option = "sampler"): void {
  const allowed = samplersFor(objective);
  if (!(allowed as readonly string[]).includes(name)) {
    throw new RangeError(`${option} ${name} cannot run a ${objective} model: use one of ${allowed.join(", ")}`);
  }
}

/** Model evaluations of `steps` steps: Heun evaluates twice per step but once on the last (heun.ts). */
export function denoiserCalls(name: SamplerName | FlowSamplerName, steps: number): number {
  return name === "heun" ? 2 * steps - 1 : steps;
}
