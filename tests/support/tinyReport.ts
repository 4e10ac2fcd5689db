/** A two-run sweep of a few training steps each, small enough for report tests to build in seconds. */
import type { ReportConfigInput } from "../../src/core/reports/config.js";

export function tinyReportInput(overrides: Partial<ReportConfigInput> = {}): ReportConfigInput {
  return {
    name: "tiny",
    title: "A tiny sweep",
    train: { dataset: { n: 256 }, schedule: { T: 50 }, training: { steps: 40, batch: 64 } },
    sweep: { "training.seed": [0, 1] },
    samplers: [{ sampler: "ddim" }, { sampler: "dpm-solver++" }],
    steps: [5, 50],
    seeds: [0, 1],
    n: 64,
    ...overrides,
  };
}
