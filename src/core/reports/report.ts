/**
 * The published report document, data/reports/NAME/report.json: what src/io/reports/document.ts writes and
 * the report pages read, and how it names a sampler setting (in file names and on the page).
 */
import type { QualityTable } from "../quality.js";
import type { Objective } from "../settings.js";
import type { TrainConfig } from "../training/config.js";
import type { LossHistory } from "../training/train.js";
import type { SamplerSpec } from "./config.js";

export const REPORT_FORMAT = "chisel-report";
export const REPORT_VERSION = 1;

export interface FileEntry {
  /** The file's name inside its run folder. */
  file: string;
  bytes: number;
  sha256: string;
}

export interface SampleFile {
  sampler: SamplerSpec;
  /** The sampler part of the file name ("ddim", "dpm-solver-pp"). */
  samplerId: string;
  steps: number;
  seed: number;
  /** "samples-ddim-50.csv": x,y rows. */
  file: string;
  /**
   * Mean over these samples of their path's length over its end-to-end distance, from x_T to the sample
   * (straightness.ts; 1 = straight). Absent in reports built before it was measured.
   */
  straightness?: number;
}

/** One finished run of a report; its files are under `<id>/` in the report folder. */
export interface RunResult {
  id: string;
  index: number;
  label: string;
  /** The swept values of this run, by dotted path. */
  values: Record<string, unknown>;
  train: TrainConfig;
  /** What the model was trained for, which decided its samplers. Absent in reports built before flow matching: ddpm. */
  objective?: Objective;
  configHash: string;
  /** TrainEngine.name, the versions and the start time its manifest records. */
  engine: string;
  versions: Record<string, string>;
  created: string;
  /** Trained by the build that wrote the report (false: taken from the run cache). */
  trained: boolean;
  manifest: FileEntry;
  checkpoint: FileEntry & { step: number; loss: number };
  onnx: FileEntry;
  lossHistory: LossHistory;
  quality: QualityTable;
  samples: SampleFile[];
  seconds: { train: number; evaluate: number };
}

/** The report's best row: the lowest mean SWD over every run, sampler and step count. */
export interface Headline {
  run: string;
  label: string;
  sampler: SamplerSpec;
  steps: number;
  swd: number;
  floorSwd: number;
  mmd: number;
  precision: number;
  coverage: number;
}

export interface Provenance {
  /** The git commit of the working tree, when it is a repository (uncommitted changes are not detected). */
  git?: { commit: string; branch?: string };
  date: string;
  versions: Record<string, string>;
  /** Training engines are per run (runs[k].engine); sampling ran the ONNX export on this. */
  inference: string;
  host: { os: string; arch: string; cores: number };
  command?: string;
  seconds: number;
  /** How many shards built the runs, when the report was assembled from shards. */
  shards?: number;
  /** Where each shard was built, when the report was assembled from shards (the fields above then describe the assembly). */
  builds?: (Pick<Provenance, "git" | "date" | "versions" | "host"> & { shard: { index: number; count: number } })[];
}

export interface Report {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  name: string;
  title: string;
  description?: string;
  /** SHA-256 of what decides the results (runs, samplers, steps, seeds, n): shards must agree on it. */
  configHash: string;
  /** The report config as given. */
  config: unknown;
  /** The swept fields (dotted paths into the training config), when the report is a sweep. */
  sweep?: string[];
  samplers: SamplerSpec[];
  steps: number[];
  seeds: number[];
  n: number;
  provenance: Provenance;
  headline: Headline;
  runs: RunResult[];
}

/** What the reports index lists for each report. */
export interface ReportSummary {
  name: string;
  title: string;
  description?: string;
  date: string;
  commit?: string;
  runs: number;
  sweep?: string[];
  trainingSteps: number[];
  headline: Headline;
}

/** A file-name-safe id of a sampler spec: "ddim", "ddim-eta-0p5", "dpm-solver-pp-logsnr". */
export function samplerId(spec: SamplerSpec): string {
  let id = spec.sampler.replace("++", "-pp");
  if (spec.eta !== undefined) id += `-eta-${String(spec.eta).replace(".", "p")}`;
  if (spec.spacing !== undefined) id += `-${spec.spacing}`;
  return id;
}


