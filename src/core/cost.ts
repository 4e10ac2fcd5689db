/**
 * What chisel's long jobs cost, known before they start: the work (denoiser evaluations, pairwise
 * distances) in rough seconds, and the size of the JSON they write. Shells use it to say up front how
 * long a job will take and to refuse, before any work, an output that could never be written. Pure:
 * it takes sizes, never data.
 *
 * The throughputs were measured with Deno 2.9.6 on the 2-core Xeon VM chisel is developed on, each
 * constant saying what was timed. They are rough: with another busy process on the machine the oracle
 * ran up to 1.4× and onnxruntime (two threads) 3× slower than stated.
 */

import { denoiserCalls, type FlowSamplerName, type SamplerName } from "./samplers/index.js";

const NS = 1e-9;

/**
 * One (sample point × data point) pair of the oracle's softmax, per step: 512 points × 200 steps × 2,048
 * data points took 9 ns a pair, 512 × 1,000 × 2,048 took 5–13 ns.
 */
const ORACLE_PAIR_NS = 10;

/**
 * A sampler's own work per point and step, timed with a denoiser that costs nothing (100,000 points ×
 * 50 steps): DDPM draws a normal per coordinate. Euler and Heun: not timed, taken as DPM-Solver++'s
 * axpy-like work, twice over for Heun's two stages.
 */
const SAMPLER_POINT_STEP_NS: Record<SamplerName | FlowSamplerName, number> = { ddpm: 130, ddim: 30, "dpm-solver++": 20, euler: 20, heun: 40 };

/**
 * A trained network per engine: ns per multiply-add (≈ one per weight per point), timed with the default
 * run's 34-128-128-128-2 MLP (37,762 weights) on 4,096 points × 50 steps, and µs per call, timed on one
 * point × 1,000 steps. The keys are the inference engines of io/models.ts.
 */
const NETWORK_THROUGHPUT = {
  // Two threads, as the CLI runs it: 4,096 × 50 in 624 ms, 1 × 1,000 in 24 ms (ort in the same run: 834 and 34).
  fused: { macNs: 0.08, callUs: 25 },
  ort: { macNs: 0.12, callUs: 370 },
  tfjs: { macNs: 0.17, callUs: 640 },
  reference: { macNs: 1.0, callUs: 260 },
} as const;

export type NetworkEngine = keyof typeof NETWORK_THROUGHPUT;

/** One RBF kernel pair of MMD² (an exp): mmd2 on 8,192 + 8,192 points, 15.4 ns a pair. */
const KERNEL_PAIR_NS = 15;
/** One squared distance of the k-NN radii and precision/coverage: 8,192 × 8,192 twice, 2.7 ns a pair. */
const DISTANCE_PAIR_NS = 2.7;
/** One point of one sliced-Wasserstein direction (project and sort): 100,000 + 100,000 points, 120 ns. */
const SLICE_POINT_NS = 120;
/** Directions of the sliced Wasserstein distance (metrics.ts's DEFAULT_DIRECTIONS). */
const SLICES = 128;

/**
 * Bytes of JSON per output point, `[x,y],` with both coordinates as long as JSON.stringify writes a
 * double (24 characters, "-2.2250738585072014e-308"): an upper bound, so a check against it never passes
 * an output that will not fit. Samples take about 42.
 */
const JSON_BYTES_PER_POINT = 52;
/**
 * A visited time and its comma: a schedule index (at most "99999,") or a flow model's t as a double (at
 * most 24 characters, 0.14285714285714285 for 1/7).
 */
const JSON_BYTES_PER_TIMESTEP = 25;
/** Everything else in a sample's JSON. */
const JSON_BYTES_OTHER = 1024;

/**
 * The largest JSON document a command writes, a quarter of V8's longest string (2²⁹ characters), which
 * JSON.stringify builds whole. Each point costs about 340 bytes of memory on the way (the arrays, the
 * points as JSON arrays, the text and its bytes: 4.1 million took 1.4 GB), so at the limit a
 * `sample --trajectory` holds about 2.6 million points (n = 1,289 over 1,000 steps) in under 1 GB.
 */
export const MAX_OUTPUT_BYTES = 128 * 2 ** 20;

/** What evaluates the denoiser: the exact oracle over its data, or a trained network on an engine. */
export type DenoiserWork =
  | { kind: "oracle"; dataPoints: number }
  | { kind: "network"; weights: number; engine: NetworkEngine };

/** A job's rough cost and, in words, what the work is ("oracle, 512 points × 1,000 steps × 2,048 data points"). */
export interface Estimate {
  seconds: number;
  work: string;
}

/** 100000 → "100,000". */
export function describeCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** "1 seed", "3 seeds". */
function counted(count: number, noun: string): string {
  return `${describeCount(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/** A duration as an estimate states it: "8 s", "3.2 min", "51 h", "2.1 days". */
export function describeDuration(seconds: number): string {
  const rounded = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
  if (seconds < 60) return `${rounded(seconds)} s`;
  if (seconds < 3600) return `${rounded(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${rounded(seconds / 3600)} h`;
  return `${rounded(seconds / 86400)} days`;
}

/** Seconds of one denoiser call on `n` points. */
function callSeconds(denoiser: DenoiserWork, n: number): number {
  if (denoiser.kind === "oracle") return n * denoiser.dataPoints * ORACLE_PAIR_NS * NS;
  const { macNs, callUs } = NETWORK_THROUGHPUT[denoiser.engine];
  return n * denoiser.weights * macNs * NS + callUs * 1e-6;
}

function denoiserWords(denoiser: DenoiserWork): string {
  return denoiser.kind === "oracle" ? "oracle" : `${describeCount(denoiser.weights)}-weight network on ${denoiser.engine}`;
}

/** Sampling `n` points in `steps` steps: one sampler step per step, one denoiser call per step (Heun: two, one on the last). */
export function sampleEstimate(job: { denoiser: DenoiserWork; sampler: SamplerName | FlowSamplerName; n: number; steps: number }): Estimate {
  const { denoiser, sampler, n, steps } = job;
  const seconds = denoiserCalls(sampler, steps) * callSeconds(denoiser, n) + steps * n * SAMPLER_POINT_STEP_NS[sampler] * NS;
  const data = denoiser.kind === "oracle" ? ` × ${describeCount(denoiser.dataPoints)} data points` : "";
  return { seconds, work: `${denoiserWords(denoiser)}, ${describeCount(n)} points × ${describeCount(steps)} steps${data}` };
}

/** Points in `chisel sample`'s JSON: x_T and the samples, and with a trajectory x_t and x̂₀ at every step. */
export function sampleOutputPoints(job: { n: number; steps: number; trajectory?: boolean }): number {
  return 2 * job.n + (job.trajectory ? 2 * job.steps * job.n : 0);
}

/** The most bytes of `chisel sample`'s JSON: its points, its timesteps and a few other fields. */
export function sampleOutputBytes(job: { n: number; steps: number; trajectory?: boolean }): number {
  return sampleOutputPoints(job) * JSON_BYTES_PER_POINT + job.steps * JSON_BYTES_PER_TIMESTEP + JSON_BYTES_OTHER;
}

/** Preparing a reference of m points (metrics.ts prepareReference): its own kernel sum and k-NN radii. */
function prepareSeconds(m: number): number {
  return ((m * m) / 2 * KERNEL_PAIR_NS + m * m * DISTANCE_PAIR_NS) * NS;
}

/** Scoring n samples against a prepared reference of m points (metrics.ts evaluate). */
function scoreSeconds(n: number, m: number): number {
  return ((n * n) / 2 * KERNEL_PAIR_NS + n * m * (KERNEL_PAIR_NS + DISTANCE_PAIR_NS) + SLICES * (n + m) * SLICE_POINT_NS) * NS;
}

/** The stages of `chisel evaluate`, in the order it runs them, in rough seconds. */
export interface EvaluateStages {
  /** The reference's kernel sum and k-NN radii. */
  prepare: number;
  /** The samples' scores. */
  score: number;
  /** The floor, one stage per part: fresh draws prepare the reference again, then score each draw. */
  floor: number[];
}

/**
 * `chisel evaluate` of n samples against m reference points: the scores, then the floor from `draws`
 * fresh draws of the reference's dataset (n points each), or from its second half (at most n points)
 * scored against its first.
 */
export function evaluateEstimate(job: { n: number; m: number; floor: { draws: number } | "split-half" }): Estimate & { stages: EvaluateStages } {
  const { n, m, floor } = job;
  const half = Math.floor(m / 2);
  const stages: EvaluateStages = {
    prepare: prepareSeconds(m),
    score: scoreSeconds(n, m),
    floor: floor === "split-half"
      ? [prepareSeconds(half) + scoreSeconds(Math.min(n, m - half), half)]
      : [prepareSeconds(m), ...Array.from({ length: floor.draws }, () => scoreSeconds(n, m))],
  };
  const seconds = stages.prepare + stages.score + stages.floor.reduce((a, b) => a + b, 0);
  const floorWords = floor === "split-half" ? "a split-half floor" : `a floor of ${floor.draws} fresh draws`;
  return {
    seconds,
    stages,
    work: `pairwise distances of ${describeCount(n)} samples and ${describeCount(m)} reference points, and ${floorWords}`,
  };
}

/**
 * `chisel quality`: every run (sampler × step count) at every seed, each scored against a reference of
 * m points, next to a floor of one fresh draw per seed.
 */
export function qualityEstimate(job: {
  denoiser: DenoiserWork;
  runs: { sampler: SamplerName | FlowSamplerName; steps: number }[];
  seeds: number;
  n: number;
  m: number;
}): Estimate {
  const { denoiser, runs, seeds, n, m } = job;
  const sampling = runs.reduce((sum, run) => sum + sampleEstimate({ denoiser, sampler: run.sampler, n, steps: run.steps }).seconds, 0);
  const seconds = prepareSeconds(m) + seeds * (sampling + (runs.length + 1) * scoreSeconds(n, m));
  const steps = runs.reduce((sum, run) => sum + run.steps, 0);
  const data = denoiser.kind === "oracle" ? ` × ${describeCount(denoiser.dataPoints)} data points` : "";
  return {
    seconds,
    work: `${denoiserWords(denoiser)}, ${counted(runs.length, "run")} × ${counted(seeds, "seed")} of ` +
      `${describeCount(n)} points (${describeCount(steps)} steps a seed)${data}, scored against ${describeCount(m)} points`,
  };
}
