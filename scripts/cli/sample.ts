import { type DatasetName, makeDataset } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";
import { type DdpmVariance, type SamplerName, SETTINGS, type TimestepSpacing } from "../../src/core/settings.js";
import { DEFAULT_SCHEDULE, type Schedule } from "../../src/core/schedule.js";
import {
  type DenoiserWork,
  describeCount,
  MAX_OUTPUT_BYTES,
  sampleEstimate,
  sampleOutputBytes,
  sampleOutputPoints,
} from "../../src/core/cost.js";
import { describeBytes } from "../../src/io/files.js";
import { DEFAULT_INFERENCE_ENGINE, INFERENCE_ENGINES, type InferenceEngine, modelWeights } from "../../src/io/models.js";
import { defineCommand } from "./command.js";
import { openModel, pairs, scheduleFlags, scheduleFromFlags } from "./common.js";
import { settingFlag, UsageError } from "./flags.js";
import { type JobProgress, startJob } from "./progress.js";

/** The schedule flags without defaults: a trained model brings its own schedule. */
const scheduleOverrides = Object.fromEntries(
  Object.entries(scheduleFlags).map(([name, spec]) => [name, { ...spec, default: undefined }]),
) as unknown as { [K in keyof typeof scheduleFlags]: Omit<(typeof scheduleFlags)[K], "default"> };

export const sampleCommand = defineCommand({
  name: "sample",
  summary: "Runs the reverse process from N(0, I) with a denoiser and a sampler, and prints the samples.",
  flags: {
    model: {
      type: "string", default: "oracle",
      help: "oracle (the exact denoiser of --dataset), a run directory, a step-NNNNNN.f32 checkpoint, or a .onnx model",
    },
    step: settingFlag(SETTINGS.checkpointStep, { help: "with a run directory: which checkpoint (default the last)" }),
    // No defaults here: given with the other kind of model, they are refused rather than ignored.
    engine: { type: "choice", choices: INFERENCE_ENGINES, help: `inference engine for a trained model (default ${DEFAULT_INFERENCE_ENGINE})` },
    dataset: settingFlag(SETTINGS.datasetName, { default: undefined, help: "the oracle's dataset (seed 0, 2048 points; default spiral)" }),
    sampler: settingFlag(SETTINGS.sampler),
    steps: settingFlag(SETTINGS.samplingSteps, { help: "sampling steps, from 1 to T (default T)" }),
    spacing: settingFlag(SETTINGS.spacing),
    "clip-x0": settingFlag(SETTINGS.clipX0),
    n: settingFlag(SETTINGS.sampleCount),
    seed: settingFlag(SETTINGS.samplingSeed),
    eta: settingFlag(SETTINGS.eta),
    variance: settingFlag(SETTINGS.variance),
    trajectory: { type: "boolean", help: "also record x_t and the predicted x̂₀ at every step" },
    ...scheduleOverrides,
  },
  async run(flags) {
    let schedule: Schedule;
    let denoiser: Denoiser & { dispose?: () => void | Promise<void> };
    let work: DenoiserWork;
    let model: Record<string, unknown>;
    if (flags.model === "oracle") {
      if (flags.step !== undefined) throw new UsageError("--step goes with a trained --model, not the oracle");
      if (flags.engine !== undefined) throw new UsageError("--engine goes with a trained --model, not the oracle");
      const dataset = (flags.dataset ?? SETTINGS.datasetName.default) as DatasetName;
      schedule = scheduleFromFlags({
        schedule: flags.schedule ?? DEFAULT_SCHEDULE.kind,
        "beta-start": flags["beta-start"] ?? DEFAULT_SCHEDULE.betaStart,
        "beta-end": flags["beta-end"] ?? DEFAULT_SCHEDULE.betaEnd,
        T: flags.T ?? DEFAULT_SCHEDULE.T,
      });
      const data = makeDataset(dataset);
      denoiser = oracleDenoiser(schedule, data);
      work = { kind: "oracle", dataPoints: data.length / 2 };
      model = { model: "oracle", dataset };
    } else {
      const given = (["schedule", "beta-start", "beta-end", "T"] as const).find((name) => flags[name] !== undefined);
      if (given) throw new UsageError(`--${given} cannot be set with a trained --model: the model brings the schedule it was trained on`);
      if (flags.dataset !== undefined) throw new UsageError("--dataset goes with the oracle: a trained --model samples what it learned");
      const engine = (flags.engine ?? DEFAULT_INFERENCE_ENGINE) as InferenceEngine;
      const opened = await openModel(flags.model!, flags.step, engine);
      const loaded = opened.model;
      schedule = loaded.schedule;
      denoiser = opened.denoiser;
      work = { kind: "network", weights: modelWeights(loaded), engine };
      model = loaded.kind === "onnx"
        ? { model: loaded.path, engine }
        : { model: loaded.runDir, checkpointStep: loaded.step, engine };
    }
    const steps = flags.steps ?? schedule.T;
    if (steps > schedule.T) throw new UsageError(`--steps must be an integer from 1 to T (${schedule.T}), got ${steps}`);
    const n = flags.n!;
    let progress: JobProgress | undefined;
    try {
      // Refused before any work: an output too large to build as one JSON text, or without gigabytes of memory.
      const output = { n, steps, trajectory: flags.trajectory };
      const bytes = sampleOutputBytes(output);
      if (bytes > MAX_OUTPUT_BYTES) {
        throw new UsageError(
          `--trajectory: ${describeCount(n)} points × ${describeCount(steps)} steps would write ${describeCount(sampleOutputPoints(output))} ` +
            `points (up to ${describeBytes(bytes)} of JSON), over the ${describeBytes(MAX_OUTPUT_BYTES)} output limit; ` +
            `lower --n or --steps, or drop --trajectory`,
        );
      }
      progress = startJob(sampleEstimate({ denoiser: work, sampler: flags.sampler as SamplerName, n, steps }), steps, "steps");
      const result = await sample({
        schedule,
        denoiser,
        sampler: flags.sampler as SamplerName,
        steps,
        spacing: flags.spacing as TimestepSpacing,
        clipX0: flags["clip-x0"],
        n,
        seed: flags.seed!,
        eta: flags.eta,
        variance: flags.variance as DdpmVariance,
        trajectory: flags.trajectory,
        onStep: progress?.update,
      });
      return {
        sampler: result.sampler,
        steps: result.steps,
        timesteps: result.timesteps,
        ...model,
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
    } finally {
      progress?.done();
      await denoiser.dispose?.();
    }
  },
});
