import type { DatasetName } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { makeDataset } from "../../src/core/datasets.js";
import { integer, parseDecimal, SAMPLER_NAMES, type SamplerName, SETTINGS, type TimestepSpacing } from "../../src/core/settings.js";
import { makeSchedule, type Schedule } from "../../src/core/schedule.js";
import { DEFAULT_INFERENCE_ENGINE, INFERENCE_ENGINES, type InferenceEngine, modelWeights } from "../../src/io/models.js";
import { qualityTable, type QualityRun } from "../../src/core/quality.js";
import { type DenoiserWork, qualityEstimate } from "../../src/core/cost.js";
import { defineCommand } from "./command.js";
import { openModel } from "./common.js";
import { settingFlag, UsageError } from "./flags.js";
import { startJob } from "./progress.js";

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
    samplers: { type: "string", default: SAMPLER_NAMES.join(","), help: "comma-separated samplers" },
    steps: { type: "string", default: "10,50,1000", help: "comma-separated step counts (each from 1 to T)" },
    spacing: settingFlag(SETTINGS.spacing),
    seeds: settingFlag(SEED_COUNT),
    n: settingFlag(SETTINGS.sampleCount, { bounds: { min: 10 }, help: "samples per run" }),
  },
  async run(flags) {
    let schedule: Schedule;
    let denoiser: Denoiser & { dispose?: () => void | Promise<void> };
    let work: DenoiserWork;
    let dataset: { name: DatasetName; n?: number; seed?: number; noise?: number };
    if (flags.model === "oracle") {
      // Refused rather than ignored: they only mean something for a trained model.
      if (flags.step !== undefined) throw new UsageError("--step goes with a trained --model, not the oracle");
      if (flags.engine !== undefined) throw new UsageError("--engine goes with a trained --model, not the oracle");
      schedule = makeSchedule();
      dataset = { name: (flags.dataset ?? "spiral") as DatasetName };
      const data = makeDataset(dataset.name);
      denoiser = oracleDenoiser(schedule, data);
      work = { kind: "oracle", dataPoints: data.length / 2 };
    } else {
      const engine = (flags.engine ?? DEFAULT_INFERENCE_ENGINE) as InferenceEngine;
      const opened = await openModel(flags.model!, flags.step, engine);
      const model = opened.model;
      schedule = model.schedule;
      const trainedOn = model.kind === "checkpoint" ? model.manifest.config.dataset : { name: "spiral" as DatasetName };
      dataset = flags.dataset ? { name: flags.dataset as DatasetName } : trainedOn;
      denoiser = opened.denoiser;
      work = { kind: "network", weights: modelWeights(model), engine };
    }
    const samplers = parseList("samplers", flags.samplers!, (s) => (SAMPLER_NAMES as readonly string[]).includes(s) ? s as SamplerName : undefined, SAMPLER_NAMES.join(" | "));
    const steps = parseList("steps", flags.steps!, (s) => {
      const k = parseDecimal(s);
      return Number.isInteger(k) && k >= 1 && k <= schedule.T ? k : undefined;
    }, `integers from 1 to T (${schedule.T})`);
    const runs: QualityRun[] = samplers.flatMap((sampler) => steps.map((k) => ({ sampler, steps: k, spacing: flags.spacing as TimestepSpacing })));
    const seeds = flags.seeds!;
    const estimate = qualityEstimate({
      denoiser: work,
      runs,
      seeds,
      n: flags.n!,
      m: dataset.n ?? SETTINGS.datasetN.default,
    });
    // Every denoiser call is one sampling step of one run and seed: counting them is the progress.
    const totalSteps = seeds * runs.reduce((sum, run) => sum + run.steps, 0);
    const progress = startJob(estimate, totalSteps, "steps");
    let stepsDone = 0;
    const counted: Denoiser = {
      parameterization: denoiser.parameterization,
      predict(x, t) {
        progress?.update(++stepsDone, totalSteps);
        return denoiser.predict(x, t);
      },
    };
    const report = (line: string) => progress ? progress.note(line) : console.error(line);
    try {
      return await qualityTable({
        denoiser: counted,
        schedule,
        dataset,
        runs,
        n: flags.n,
        seeds: Array.from({ length: seeds }, (_, i) => i),
        onRow: (row) => report(`${row.sampler} ${row.steps} steps: swd ${row.metrics.swd.mean.toFixed(4)}, precision ${row.metrics.precision.mean.toFixed(3)}, coverage ${row.metrics.coverage.mean.toFixed(3)}`),
      });
    } finally {
      progress?.done();
      await denoiser.dispose?.();
    }
  },
});
