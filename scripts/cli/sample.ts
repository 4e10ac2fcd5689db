import { Rng } from "../../src/core/random.js";
import { StraightnessMeter } from "../../src/core/straightness.js";
import { type DatasetName, makeDataset } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { oracleVelocity } from "../../src/core/flow/oracleVelocity.js";
import { FLOW_TIME_SCALE } from "../../src/core/flow/time.js";
import { checkFlowOptions, sample } from "../../src/core/sample.js";
import { checkSamplerFor } from "../../src/core/samplers/index.js";
import {
  type DdpmVariance,
  FLOW_SAMPLER_NAMES,
  type FlowSamplerName,
  type Objective,
  SAMPLER_NAMES,
  type SamplerName,
  SETTINGS,
  type TimestepSpacing,
} from "../../src/core/settings.js";
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
import { dataFlag, describeData, readDataFlag } from "./dataFlag.js";

/** The schedule flags without defaults: a trained model brings its own schedule. */
const scheduleOverrides = Object.fromEntries(
  Object.entries(scheduleFlags).map(([name, spec]) => [name, { ...spec, default: undefined }]),
) as unknown as { [K in keyof typeof scheduleFlags]: Omit<(typeof scheduleFlags)[K], "default"> };
const SCHEDULE_FLAGS = Object.keys(scheduleFlags) as (keyof typeof scheduleFlags)[];

/** A DDPM-only flag, without a default so that giving it with a flow-matching model is seen and refused. */
const ddpmOnlyFlag = (setting: typeof SETTINGS.spacing | typeof SETTINGS.eta | typeof SETTINGS.variance, only: string) =>
  settingFlag(setting, { default: undefined, help: `${setting.help} (default ${setting.default}; ${only} only)` });

/** NaN (no point moved) as null: JSON has no NaN. */
const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

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
    data: dataFlag("as the oracle's dataset, in place of --dataset"),
    objective: settingFlag(SETTINGS.objective, {
      default: undefined,
      help: "the oracle's objective: ddpm (posterior-mean denoiser) or flow-matching (posterior-mean velocity; default ddpm)",
    }),
    // A model's objective decides which samplers run it, so the default follows the model.
    sampler: {
      type: "choice",
      choices: [...SAMPLER_NAMES, ...FLOW_SAMPLER_NAMES],
      help: `sampler: ${SAMPLER_NAMES.join(", ")} for a ddpm model (default ddpm), ${FLOW_SAMPLER_NAMES.join(", ")} for a flow-matching one (default euler)`,
    },
    steps: settingFlag(SETTINGS.samplingSteps, { help: `sampling steps, from 1 to T (default T; flow matching: default ${FLOW_TIME_SCALE})` }),
    spacing: ddpmOnlyFlag(SETTINGS.spacing, "ddpm models"),
    "clip-x0": settingFlag(SETTINGS.clipX0),
    n: settingFlag(SETTINGS.sampleCount),
    seed: settingFlag(SETTINGS.samplingSeed),
    eta: ddpmOnlyFlag(SETTINGS.eta, "ddim"),
    variance: ddpmOnlyFlag(SETTINGS.variance, "the ddpm sampler"),
    trajectory: { type: "boolean", help: "also record x_t and the predicted x̂₀ at every step" },
    ...scheduleOverrides,
  },
  async run(flags) {
    let schedule: Schedule;
    let denoiser: Denoiser & { dispose?: () => void | Promise<void> };
    let work: DenoiserWork;
    let model: Record<string, unknown>;
    const scheduleFlag = SCHEDULE_FLAGS.find((name) => flags[name] !== undefined);
    if (flags.model === "oracle") {
      if (flags.step !== undefined) throw new UsageError("--step goes with a trained --model, not the oracle");
      if (flags.engine !== undefined) throw new UsageError("--engine goes with a trained --model, not the oracle");
      if (flags.data !== undefined && flags.dataset !== undefined) throw new UsageError("--data and --dataset both name the oracle's data: give one");
      schedule = scheduleFromFlags({
        schedule: flags.schedule ?? DEFAULT_SCHEDULE.kind,
        "beta-start": flags["beta-start"] ?? DEFAULT_SCHEDULE.betaStart,
        "beta-end": flags["beta-end"] ?? DEFAULT_SCHEDULE.betaEnd,
        T: flags.T ?? DEFAULT_SCHEDULE.T,
      });
      const file = flags.data === undefined ? undefined : await readDataFlag(flags.data);
      const dataset = (flags.dataset ?? SETTINGS.datasetName.default) as DatasetName;
      const data = file ? file.points : makeDataset(dataset);
      if (flags.objective === "flow-matching" && scheduleFlag) {
        throw new UsageError(`--${scheduleFlag} goes with a ddpm model: flow matching has no noise schedule`);
      }
      denoiser = flags.objective === "flow-matching" ? oracleVelocity(data) : oracleDenoiser(schedule, data);
      work = { kind: "oracle", dataPoints: data.length / 2 };
      model = { model: "oracle", ...(file ? { data: describeData(flags.data!, file) } : { dataset }) };
    } else {
      if (scheduleFlag) throw new UsageError(`--${scheduleFlag} cannot be set with a trained --model: the model brings the schedule it was trained on`);
      if (flags.dataset !== undefined) throw new UsageError("--dataset goes with the oracle: a trained --model samples what it learned");
      if (flags.data !== undefined) throw new UsageError("--data goes with the oracle: a trained --model samples what it learned");
      if (flags.objective !== undefined) throw new UsageError("--objective goes with the oracle: a trained --model brings the objective it was trained for");
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
    const n = flags.n!;
    let progress: JobProgress | undefined;
    try {
      // Inside the try: a refusal still disposes of the denoiser (the fused engine's worker thread would keep the process alive).
      const objective: Objective = denoiser.objective ?? "ddpm";
      const flow = objective === "flow-matching";
      const sampler = (flags.sampler ?? (flow ? SETTINGS.flowSampler.default : SETTINGS.sampler.default)) as SamplerName | FlowSamplerName;
      // Each as given (undefined when not): the samplers fill in their defaults.
      const ddpmOptions = {
        clipX0: flags["clip-x0"],
        spacing: flags.spacing as TimestepSpacing | undefined,
        eta: flags.eta as number | undefined,
        variance: flags.variance as DdpmVariance | undefined,
      };
      try {
        // The core's checks, worded with the flags' names.
        checkSamplerFor(objective, sampler, "--sampler");
        if (flow) checkFlowOptions(ddpmOptions, (option) => `--${SETTINGS[option].flag}`);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      // A flow model has no schedule to bound its steps: any count on its grid t = 1, 1 − 1/N, …, 0.
      const steps = flags.steps ?? (flow ? FLOW_TIME_SCALE : schedule.T);
      if (!flow && steps > schedule.T) throw new UsageError(`--steps must be an integer from 1 to T (${schedule.T}), got ${steps}`);
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
      progress = startJob(sampleEstimate({ denoiser: work, sampler, n, steps }), steps, "steps");
      // x_T is the seed's first 2n normals, as sample() draws it: the paths' lengths are measured from there.
      const meter = new StraightnessMeter(new Rng(flags.seed!).normals(2 * n));
      const result = await sample({
        schedule,
        denoiser,
        sampler,
        steps,
        ...ddpmOptions,
        n,
        seed: flags.seed!,
        trajectory: flags.trajectory,
        onStep: (done, total, x) => {
          meter.add(x);
          progress?.update(done, total);
        },
      });
      return {
        sampler: result.sampler,
        steps: result.steps,
        timesteps: result.timesteps,
        ...model,
        seed: flags.seed,
        ...(result.sampler === "ddim" ? { eta: ddpmOptions.eta ?? SETTINGS.eta.default } : {}),
        ...(result.sampler === "ddpm" ? { variance: flags.variance ?? SETTINGS.variance.default } : {}),
        ...(flow
          ? { objective }
          : { schedule: { kind: schedule.kind, T: schedule.T, betaStart: schedule.betaStart, betaEnd: schedule.betaEnd } }),
        // Total path length over total distance from x_T to the samples (1: straight; core/straightness.ts).
        straightness: finiteOrNull(meter.value()),
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
