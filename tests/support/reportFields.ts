import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Report } from "../../src/core/reports/report.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * What a build of a report's config decides, read from its published folder: report.json without its
 * provenance (when, where, by which command, how long) and without each run's start time, whether this
 * build trained it, its seconds and its manifest (which records the start time and command), plus the
 * SHA-256 of every file the report names but the manifests. Two builds of one config, sharded or not,
 * on one machine, must give the same.
 */
export function deterministicReport(dir: string) {
  const report: Report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
  const { provenance: _provenance, runs, ...rest } = report;
  const files: Record<string, string> = {};
  for (const run of runs) {
    for (const file of [run.checkpoint.file, run.onnx.file, ...run.samples.map((s) => s.file)]) {
      files[`${run.id}/${file}`] = sha256(readFileSync(join(dir, run.id, file)));
    }
  }
  return {
    ...rest,
    runs: runs.map(({ created: _created, trained: _trained, seconds: _seconds, manifest: _manifest, ...run }) => run),
    files,
  };
}
