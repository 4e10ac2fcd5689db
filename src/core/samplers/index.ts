import type { Schedule } from "../schedule.js";
import { assertEta, DdimSampler } from "./ddim.js";
import { assertVariance, DdpmSampler } from "./ddpm.js";
import { DpmSolverPlusPlusSampler } from "./dpmSolverPlusPlus.js";
import type { Sampler, SamplerName, SamplerOptions } from "./types.js";

export type { DdpmVariance, Sampler, SamplerName, SamplerOptions, SamplerStepInput } from "./types.js";

import { SAMPLER_NAMES } from "../settings.js";

export { SAMPLER_NAMES };

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
