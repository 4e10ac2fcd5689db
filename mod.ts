/**
 * chisel's scripting API: one import for Deno scripts that build schedules and datasets, train, sample,
 * evaluate, export and publish reports.
 *
 *     import * as chisel from "./mod.ts";
 *     const schedule = chisel.makeSchedule({ kind: "cosine", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
 *
 * The pure core (everything from src/core) also runs in browsers; the functions that read or write files
 * (runs, checkpoints, models, reports) need Deno's --allow-read and --allow-write.
 *
 * @module
 */

// Every user-facing setting once: its range, default, label, CLI flag and config path (what the configs,
// the CLI, the pages' URLs and controls all derive from).
export { describeRange, inRange, type Setting, SETTINGS, settingLabel } from "./src/core/settings.js";

// Noise schedules: β, ᾱ, SNR and the posterior coefficients for any T from 1 to 100,000, and the check
// that x_T really is noise.
export {
  DEFAULT_SCHEDULE,
  makeSchedule,
  type Schedule,
  type ScheduleConfig,
  SCHEDULE_KINDS,
  type ScheduleKind,
  terminalCheck,
  type TerminalCheck,
} from "./src/core/schedule.js";

// Seeded 2D datasets and user points (CSV or JSON). Points are interleaved: [x0, y0, x1, y1, …].
export { DATASET_NAMES, type DatasetName, type DatasetOptions, fromPairs, makeDataset, toPairs } from "./src/core/datasets.js";
export { MAX_COORDINATE, parsePoints } from "./src/core/points.js";
/** A user's own points normalised as the built-in sets are (centred, scaled into ±1.5), and the split-half floor for them. */
export { HALF_WIDTH, type Normalisation, normalisePoints, parseUserData, type UserData } from "./src/core/userData.js";
export { splitHalfFloor, splitHalves } from "./src/core/splitHalf.js";

/** Seeded randomness that gives the same stream in Deno, Node and browsers. */
export { Rng } from "./src/core/random.js";

// The forward process: closed-form q(x_t | x_0) and the step-by-step chain.
export { forwardChain, qSample } from "./src/core/forward.js";

// What a network predicts (ε, x_0 or v) and the exact conversions between them.
export { convertOutput, type Parameterization, PARAMETERIZATIONS, toPrediction } from "./src/core/parameterization.js";

// Sampling: DDPM, DDIM and DPM-Solver++ over any denoiser, on a respaced grid.
export type { Denoiser } from "./src/core/denoiser.js";
export { sample, type SampleOptions, type SampleResult } from "./src/core/sample.js";
export { createSampler, SAMPLER_NAMES, type SamplerName } from "./src/core/samplers/index.js";
export { logSnrGrid, TIMESTEP_SPACINGS, type TimestepSpacing, timestepGrid } from "./src/core/timesteps.js";
/** The exact optimal denoiser of an empirical dataset: sampling without a trained model. */
export { oracleDenoiser } from "./src/core/oracle.js";
/** How straight sampling paths are: mean path length over end-to-end distance (1 = straight), from states or as they arrive (onStep). */
export { StraightnessMeter, straightness } from "./src/core/straightness.js";

// Flow matching beside DDPM: the linear path x_t = (1 − t) x₀ + t ε, the network time τ = 1000·t, the
// exact velocity of an empirical dataset, and the Euler and Heun samplers (sample() picks them by the model's objective).
export { flowInterpolate, flowTarget } from "./src/core/flow/path.js";
export { FLOW_TIME_SCALE, flowNetworkTime, flowTimeGrid } from "./src/core/flow/time.js";
export { oracleVelocity } from "./src/core/flow/oracleVelocity.js";
export { createFlowSampler, FLOW_SAMPLER_NAMES, type FlowSamplerName, samplersFor } from "./src/core/samplers/index.js";
export { type Objective, OBJECTIVES } from "./src/core/settings.js";

// Evaluation: sliced Wasserstein, MMD², precision and coverage, and the floor between independent draws.
export { datasetFloor, evaluate, type Metrics, metricFloor } from "./src/core/metrics.js";
export { type QualityRow, type QualityRun, qualityTable, type QualityTable } from "./src/core/quality.js";

// Training: validated configs keyed by hash, the Algorithm 1 loop over any engine, hashed checkpoints.
export {
  configHash,
  DEFAULT_TRAIN_CONFIG,
  parseTrainConfig,
  type TrainConfig,
} from "./src/core/training/config.js";
export { train, TrainingDivergedError } from "./src/core/training/train.js";
export { createTrainEngine } from "./src/engines/trainEngines.js";
export { TRAIN_BACKENDS, type TrainBackend } from "./src/core/settings.js";
export { loadCheckpoint, loadRun, runTraining } from "./src/io/runStore.js";
/** The run of a config from the cache under data/runs/, trained first when missing. */
export { ensureRun, runDirFor } from "./src/io/runCache.js";
/** Points files as datasets: read within the limits, hashed (SHA-256) and normalised; a config's file resolved project-relative. */
export { type DatasetFile, pinReportDatasets, readDatasetFile, resolveDataset } from "./src/io/datasetFile.js";

// Models: ONNX export and a denoiser over a checkpoint or an .onnx file (the fused kernel, onnxruntime, tfjs or plain TS).
export { exportOnnx, readOnnxMetadata } from "./src/core/onnx/export.js";
export { checkpointToOnnx, type InferenceEngine, openDenoiser, readCheckpoint, readModel } from "./src/io/models.js";

// Reports: a named experiment (with an optional sweep) trained, sampled, scored and published atomically
// as data/reports/NAME/, which the site renders at /reports/NAME. A sweep splits into shards built
// anywhere (buildReport with `shard` and `shardOut`) and assembled from the gathered outputs
// (assembleReport with `from`), as the README's "Publishing" shows.
export { parseReportConfig, type ReportConfig, samplersForRun } from "./src/core/reports/config.js";
export { assembleReport, buildReport, type BuildReportOptions, type BuildReportResult } from "./src/io/reports/build.js";
export { parseShard, type Shard, shardRuns } from "./src/io/reports/shards.js";
export { listReports, loadReport, readReportConfig } from "./src/io/reports/read.js";
