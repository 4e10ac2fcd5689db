/**
 * `--out` never writes into a run folder or a published report: `export-onnx --out RUN/manifest.json`
 * once replaced a run's manifest. Every such path is one line naming --out, exit 2, and nothing written.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chisel, root } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-out-"));
// A copy of the committed default run, so that a failure here could not touch the project's.
const run = join(scratch, "run");
cpSync(join(root, "data", "runs", "b54d779d54d7003b"), run, { recursive: true });
const report = join(scratch, "reports", "r");
mkdirSync(join(report, "run-0"), { recursive: true });
writeFileSync(join(report, "report.json"), "{}");
writeFileSync(join(report, "run-0", "manifest.json"), "{}");

/** Every file under a folder with its bytes. */
function files(dir: string): Map<string, string> {
  return new Map(readdirSync(dir, { recursive: true, encoding: "utf8" }).sort().map((name) => {
    try {
      return [name, readFileSync(join(dir, name), "latin1")];
    } catch {
      return [name, "(folder)"];
    }
  }));
}

describe("--out", () => {
  const cases: [string[], RegExp][] = [
    [["export-onnx", "--checkpoint", run, "--out", join(run, "manifest.json")], /a run folder \(it holds manifest\.json\)/],
    [["export-onnx", "--checkpoint", run, "--out", join(run, "model.onnx")], /a run folder \(it holds manifest\.json\)/],
    [["dataset", "--n", "16", "--out", join(run, "step-000000.f32")], /a run folder \(it holds manifest\.json\)/],
    [["dataset", "--n", "16", "--out", join(report, "report.json")], /a published report \(it holds report\.json\)/],
    [["dataset", "--n", "16", "--out", join(report, "run-0", "samples.json")], /a run folder \(it holds manifest\.json\)/],
  ];
  it.each(cases)("refuses %j with one line and exit 2, writing nothing", (args, why) => {
    const before = [files(run), files(report)];
    const result = chisel(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^chisel: --out ${args.at(-1)!.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*${why.source}`));
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect([files(run), files(report)]).toEqual(before);
  });

  it("still writes beside them", () => {
    const result = chisel("export-onnx", "--checkpoint", run, "--out", join(scratch, "model.onnx"));
    expect(result.code, result.stderr).toBe(0);
  });
});
