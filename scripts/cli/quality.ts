import type { DatasetName } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { oracleVelocity } from "../../src/core/flow/oracleVelocity.js";
import { denoiserCalls, samplersFor } from "../../src/core/samplers/index.js";
import { makeDataset } from "../../src/core/datasets.js";
import { checkFlowOptions } from "../../src/core/sample.js";
import {
  FLOW_SAMPLER_NAMES,
  integer,
  type Objective,
  parseDecimal,
  SAMPLER_NAMES,
  SETTINGS,
  type TimestepSpacing,
} from "../../src/core/settings.js";
import { makeSchedule, type Schedule } from "../../src/core/schedule.js";
import { DEFAULT_INFERENCE_ENGINE, INFERENCE_ENGINES, type InferenceEngine, modelWeights } from "../../src/io/models.js";
import { type QualityDataset, qualityTable, type QualityRun } from "../../src/core/quality.js";
import { isFileDataset } from "../../src/core/training/config.js";
import { resolveDataset } from "../../src/io/datasetFile.js";
import { type DenoiserWork, qualityEstimate } from "../../src/core/cost.js";
import { defineCommand } from "./command.js";
import { openModel } from "./common.js";
import { settingFlag, UsageError } from "./flags.js";
import { startJob } from "./progress.js";
import { dataFlag, readDataFlag } from "./dataFlag.js";

function parseList<T>(flag: string, raw: string, parse: (item: string) => T | undefined, allowed: string): T[] {
  const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new UsageError(`--${flag} must list ${allowed}, got ${JSON.stringify(raw)}`);
  return items.map((item) => {
    const value = parse(item);
    if (value === undefined) throw new UsageError(`--${flag} must list ${allowed}, got ${JSON.stringify(item)}`);
    return value;
  });
}

/** How many sampling seeds each setting is scored over. */
const SEED_COUNT = integer({ path: "seeds", flag: "seeds", label: "Seeds", help: "sampling seeds 0 … seeds−1", min: 1, max: 100, default: 3 });

export const qualityCommand = defineCommand({
  name: "quality",
  summary: "Samples with every sampler × step count × seed and scores each against the dataset and its floor.",
  flags: {
    model: { type: "string", default: "oracle", help: "oracle, a run directory, a step-NNNNNN.f32 checkpoint, or a .onnx model" },
    step: settingFlag(SETTINGS.checkpointStep, { help: "with a run directory: which checkpoint" }),
    engine: { type: "choice", choices: INFERENCE_ENGINES, help: `inference engine for a trained model (default ${DEFAULT_INFERENCE_ENGINE})` },
    dataset: settingFlag(SETTINGS.datasetName, {
      default: undefined,
      help: "reference dataset (default: the run's training set; spiral for the oracle and .onnx models)",
    }),
    data: dataFlag("as the reference (and the oracle's data) in place of --dataset; the floor is then split-half"),
    objective: settingFlag(SETTINGS.objective, {
      default: undefined,
      help: "the oracle's objective: ddpm (posterior-mean denoiser) or flow-matching (posterior-mean velocity; default ddpm)",
    }),
    // The model's objective decides which samplers run it, so the default list follows the model.
    samplers: {
      type: "string",
      help: `comma-separated samplers (default: ${SAMPLER_NAMES.join(",")} for a ddpm model, ${FLOW_SAMPLER_NAMES.join(",")} for a flow-matching one)`,
    },
    steps: { type: "string", default: "10,50,1000", help: "comma-separated step counts (each from 1 to T; any for flow matching)" },
    // No default here, so that giving it with a flow-matching model is seen and refused.
    spacing: settingFlag(SETTINGS.spacing, { default: undefined, help: `${SETTINGS.spacing.help} (default ${SETTINGS.spacing.default}; ddpm models only)` }),
    seeds: settingFlag(SEED_COUNT),
    n: settingFlag(SETTINGS.sampleCount, { bounds: { min: 10 }, help: "samples per run" }),
  },
  async run(flags) {
    let schedule: Schedule;
    let denoiser: Denoiser & { dispose?: () => void | Promise<void> };
    let work: DenoiserWork;
    let dataset: QualityDataset;
    if (flags.data !== undefined && flags.dataset !== undefined) throw new UsageError("--data and --dataset both name the reference: give one");
    let file = flags.data === undefined ? undefined : await readDataFlag(flags.data);
    const fromFlag = () => ({ name: SETTINGS.datasetName.default, file: flags.data!, sha256: file!.sha256 });
    if (flags.model === "oracle") {
      // Refused rather than ignored: they only mean something for a trained model.
      if (flags.step !== undefined) throw new UsageError("--step goes with a trained --model, not the oracle");
      if (flags.engine !== undefined) throw new UsageError("--engine goes with a trained --model, not the oracle");
      schedule = makeSchedule();
      dataset = file ? fromFlag() : { name: (flags.dataset ?? "spiral") as DatasetName };
      const data = file ? file.points : makeDataset(dataset.name);
      denoiser = flags.objective === "flow-matching" ? oracleVelocity(data) : oracleDenoiser(schedule, data);
      work = { kind: "oracle", dataPoints: data.length / 2 };
    } else {
      if (flags.objective !== undefined) throw new UsageError("--objective goes with the oracle: a trained --model brings the objective it was trained for");
      const engine = (flags.engine ?? DEFAULT_INFERENCE_ENGINE) as InferenceEngine;
      const opened = await openModel(flags.model!, flags.step, engine);
      const model = opened.model;
      schedule = model.schedule;
      const trainedOn = model.kind === "checkpoint" ? model.manifest.config.dataset : { name: "spiral" as DatasetName };
      dataset = file ? fromFlag() : flags.dataset ? { name: flags.dataset as DatasetName } : trainedOn;
      if (!file && !flags.dataset && model.kind === "checkpoint" && isFileDataset(model.manifest.config.dataset)) {
        // The run's own file, read where its config says (project-relative) and checked against its SHA-256.
        file = (await resolveDataset(model.manifest.config.dataset).catch(async (error) => {
          await opened.denoiser.dispose?.(); // its engine's threads would keep the process alive
          throw new UsageError(`--model ${flags.model} trained on ${(error as Error).message.split("\n")[0]}; pass --data with that file`);
        })).file;
      }
      denoiser = opened.denoiser;
      work = { kind: "network", weights: modelWeights(model), engine };
    }
    // A refusal disposes of the denoiser first: the fused engine's worker thread would keep the process alive.
    const objective: Objective = denoiser.objective ?? "ddpm";
    const { samplers, steps } = await (async () => {
      const allowed = samplersFor(objective);
      const samplers = parseList(
        "samplers",
        flags.samplers ?? allowed.join(","),
        (s) => allowed.find((name) => name === s),
        `samplers of a ${objective} model (${allowed.join(" | ")})`,
      );
      // A flow model has no schedule to bound its steps: any count on its grid t = 1, 1 − 1/N, …, 0.
      const maxSteps = objective === "flow-matching" ? SETTINGS.samplingSteps.max : schedule.T;
      const steps = parseList("steps", flags.steps!, (s) => {
        const k = parseDecimal(s);
        return Number.isInteger(k) && k >= 1 && k <= maxSteps ? k : undefined;
      }, objective === "flow-matching" ? `integers from 1 to ${maxSteps}` : `integers from 1 to T (${schedule.T})`);
      if (objective === "flow-matching") {
        try {
          checkFlowOptions({ spacing: flags.spacing as TimestepSpacing | undefined }, (option) => `--${SETTINGS[option].flag}`);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      }
      return { samplers, steps };
    })().catch(async (error) => {
      await denoiser.dispose?.();
      throw error;
    });
    // A flow sampler's grid is even in t, with no DDPM spacing to name (nor label its rows with).
    const spacing = objective === "flow-matching" ? {} : { spacing: (flags.spacing ?? SETTINGS.spacing.default) as TimestepSpacing };
    const runs: QualityRun[] = samplers.flatMap((sampler) => steps.map((k) => ({ sampler, steps: k, ...spacing })));
    const seeds = flags.seeds!;
    const estimate = qualityEstimate({
      denoiser: work,
      runs,
      seeds,
      n: flags.n!,
      m: file ? file.points.length / 2 : dataset.n ?? SETTINGS.datasetN.default,
    });
    // Counting the denoiser calls of every run and seed is the progress (Heun makes two a step).
    const totalSteps = seeds * runs.reduce((sum, run) => sum + denoiserCalls(run.sampler, run.steps), 0);
    const progress = startJob(estimate, totalSteps, "steps");
    let stepsDone = 0;
    const counted: Denoiser = {
      parameterization: denoiser.parameterization,
      objective: denoiser.objective,
      predict(x, t) {
        progress?.update(++stepsDone, totalSteps);
        return denoiser.predict(x, t);
      },
    };
    const report = (line: string) => progress ? progress.note(line) : console.error(line);
    try {
      const table = await qualityTable({
        denoiser: counted,
        schedule,
        dataset,
        filePoints: file?.points,
        runs,
        n: flags.n,
        seeds: Array.from({ length: seeds }, (_, i) => i),
        onRow: (row) => report(`${row.sampler} ${row.steps} steps: swd ${row.metrics.swd.mean.toFixed(4)}, precision ${row.metrics.precision.mean.toFixed(3)}, coverage ${row.metrics.coverage.mean.toFixed(3)}`),
      });
      // What the samplers ran on: a DDPM and a flow-matching table are not read alike.
      return { objective, ...table };
    } finally {
      progress?.done();
      await denoiser.dispose?.();
    }
  },
});
