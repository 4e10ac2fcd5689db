import { DATASET_NAMES, type DatasetName, makeDataset } from "../../src/lib/datasets.js";
import { oracleDenoiser } from "../../src/lib/oracle.js";
import { sample } from "../../src/lib/sample.js";
import { SAMPLER_NAMES, type SamplerName } from "../../src/lib/samplers/index.js";
import { defineCommand } from "./command.js";
import { pairs, scheduleFlags, scheduleFromFlags } from "./common.js";
import { UsageError } from "./flags.js";

export const sampleCommand = defineCommand({
  name: "sample",
  summary: "Runs the reverse process from N(0, I) with a denoiser and a sampler, and prints the samples.",
  flags: {
    model: { type: "string", default: "oracle", help: "denoiser: oracle (the exact optimal denoiser of --dataset)" },
    dataset: { type: "choice", choices: DATASET_NAMES, default: "spiral", help: "the oracle's dataset (seed 0, 2048 points)" },
    sampler: { type: "choice", choices: SAMPLER_NAMES, default: "ddpm", help: "reverse-process sampler" },
    steps: { type: "number", integer: true, min: 1, max: 100_000, help: "sampling steps, from 1 to T (default T)" },
    n: { type: "number", integer: true, min: 1, max: 100_000, default: 512, help: "number of samples" },
    seed: { type: "number", integer: true, min: 0, max: 2 ** 32 - 1, default: 0, help: "seed of x_T and the sampler noise" },
    eta: { type: "number", min: 0, max: 1, default: 0, help: "DDIM's η: 0 deterministic, 1 DDPM-like" },
    variance: { type: "choice", choices: ["betaTilde", "beta"], default: "betaTilde", help: "DDPM's σ²: β̃_t or β_t" },
    trajectory: { type: "boolean", help: "also record x_t and the predicted x̂₀ at every step" },
    ...scheduleFlags,
  },
  async run(flags) {
    const schedule = scheduleFromFlags(flags);
    const steps = flags.steps ?? schedule.T;
    if (steps > schedule.T) throw new UsageError(`--steps must be an integer from 1 to T (${schedule.T}), got ${steps}`);
    if (flags.model !== "oracle") {
      throw new UsageError(`--model must be oracle (trained checkpoints come with the training engine), got ${JSON.stringify(flags.model)}`);
    }
    const datasetName = flags.dataset as DatasetName;
    const data = makeDataset(datasetName);
    const result = await sample({
      schedule,
      denoiser: oracleDenoiser(schedule, data),
      sampler: flags.sampler as SamplerName,
      steps,
      n: flags.n!,
      seed: flags.seed!,
      eta: flags.eta,
      variance: flags.variance as "beta" | "betaTilde",
      trajectory: flags.trajectory,
    });
    return {
      sampler: result.sampler,
      steps: result.steps,
      timesteps: result.timesteps,
      model: "oracle",
      dataset: datasetName,
      seed: flags.seed,
      ...(result.sampler === "ddim" ? { eta: flags.eta } : {}),
      ...(result.sampler === "ddpm" ? { variance: flags.variance } : {}),
      schedule: { kind: schedule.kind, T: schedule.T, betaStart: schedule.betaStart, betaEnd: schedule.betaEnd },
      xT: pairs(result.xT),
      samples: pairs(result.samples),
      ...(result.trajectory
        ? { trajectory: { xt: result.trajectory.xt.map(pairs), x0: result.trajectory.x0.map(pairs) } }
        : {}),
    };
  },
});
