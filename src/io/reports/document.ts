/**
 * The files that make a folder a report: report.json (config, provenance, every run's results and the
 * headline) and config.json (the config as given, which the CLI rebuilds from).
 */
import { join } from "node:path";
import type { ReportConfig } from "../../core/reports/config.js";
import { type Headline, type Provenance, type Report, REPORT_FORMAT, REPORT_VERSION, type RunResult } from "../../core/reports/report.js";
import { canonicalJson, sha256Hex } from "../../core/hash.js";
import { CONFIG_FILE, REPORT_FILE } from "./read.js";
import { writeSynced } from "../files.js";

/**
 * SHA-256 of the fields that decide a report's results. Left out: the name, title and description, and
 * `shards` (how a publish splits the build, which changes nothing it publishes).
 */
export function reportHash(config: ReportConfig): Promise<string> {
  const { runs, samplers, steps, seeds, n } = config;
  const keyed = { runs: runs.map(({ id, values, train }) => ({ id, values, train })), samplers, steps, seeds, n };
  return sha256Hex(new TextEncoder().encode(canonicalJson(keyed)));
}

/** The row with the lowest mean SWD of all runs. */
function headline(runs: RunResult[]): Headline {
  let best: Headline | undefined;
  for (const run of runs) {
    for (const row of run.quality.rows) {
      if (best !== undefined && row.metrics.swd.mean >= best.swd) continue;
      best = {
        run: run.id,
        label: run.label,
        sampler: JSON.parse(JSON.stringify({ sampler: row.sampler, eta: row.eta, spacing: row.spacing })),
        steps: row.steps,
        swd: row.metrics.swd.mean,
        floorSwd: run.quality.floor.swd.mean,
        mmd: row.metrics.mmd.mean,
        precision: row.metrics.precision.mean,
        coverage: row.metrics.coverage.mean,
      };
    }
  }
  return best!;
}

export async function writeReport(dir: string, config: ReportConfig, runs: RunResult[], provenance: Provenance): Promise<Report> {
  const report: Report = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    name: config.name,
    title: config.title,
    ...(config.description === undefined ? {} : { description: config.description }),
    configHash: await reportHash(config),
    config: config.source,
    ...(config.sweep === undefined ? {} : { sweep: Object.keys(config.sweep) }),
    samplers: config.samplers,
    steps: config.steps,
    seeds: config.seeds,
    n: config.n,
    provenance,
    headline: headline(runs),
    runs,
  };
  await writeSynced(join(dir, CONFIG_FILE), JSON.stringify(config.source, null, 2) + "\n");
  await writeSynced(join(dir, REPORT_FILE), JSON.stringify(report) + "\n");
  return report;
}
