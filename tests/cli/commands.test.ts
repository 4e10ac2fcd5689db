import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chisel } from "../support/cli.js";

function json(...args: string[]) {
  const result = chisel(...args);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

const scratch = mkdtempSync(join(tmpdir(), "chisel-cli-"));

describe("chisel CLI", () => {
  it("prints a schedule with its terminal check", () => {
    const out = json("schedule", "--T", "1000");
    expect(Object.keys(out)).toEqual(["kind", "T", "betaStart", "betaEnd", "betas", "alphaBars", "snr", "terminal"]);
    expect(out.kind).toBe("linear");
    expect(out.betas).toHaveLength(1000);
    expect(out.alphaBars[249]).toBeCloseTo(1 - 0.4759146261746394, 12);
    expect(out.terminal.sqrtAlphaBarT).toBeCloseTo(0.006352818087570016, 12);
    expect(out.terminal.notYetNoise).toBe(false);
    const short = json("schedule", "--T", "10", "--schedule", "quadratic", "--beta-start", "0.001", "--beta-end", "0.05");
    expect(short.terminal.notYetNoise).toBe(true);
    expect(short.betas[9]).toBeCloseTo(0.05, 12);
  });

  it("draws a dataset deterministically", () => {
    const a = json("dataset", "--name", "moons", "--n", "10", "--seed", "3");
    expect(a).toMatchObject({ name: "moons", n: 10, seed: 3 });
    expect(a.points).toHaveLength(10);
    expect(a.points[0]).toHaveLength(2);
    expect(json("dataset", "--name", "moons", "--n", "10", "--seed", "3")).toEqual(a);
  });

  it("samples with the oracle on a respaced grid, with a trajectory on request", () => {
    const out = json("sample", "--model", "oracle", "--sampler", "ddim", "--steps", "10", "--n", "16", "--seed", "1", "--trajectory");
    expect(out).toMatchObject({ sampler: "ddim", steps: 10, model: "oracle", dataset: "spiral", seed: 1, eta: 0 });
    expect(out.timesteps).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(out.xT).toHaveLength(16);
    expect(out.samples).toHaveLength(16);
    expect(out.trajectory.xt).toHaveLength(10);
    expect(out.trajectory.x0[9]).toHaveLength(16);
    // The same seed gives the same initial noise whatever the sampler and steps.
    const ddpm = json("sample", "--sampler", "ddpm", "--steps", "50", "--n", "16", "--seed", "1");
    expect(ddpm.xT).toEqual(out.xT);
  });

  it("evaluates samples against a dataset and reports the floor", () => {
    const reference = join(scratch, "spiral.json");
    const samples = join(scratch, "samples.json");
    expect(chisel("dataset", "--out", reference).code).toBe(0);
    expect(chisel("sample", "--sampler", "dpm-solver++", "--steps", "20", "--n", "128", "--out", samples).code).toBe(0);
    const out = json("evaluate", "--samples", samples, "--reference", reference);
    expect(out.n).toBe(128);
    expect(out.referenceN).toBe(2048);
    for (const key of ["swd", "mmd", "precision", "coverage"]) {
      expect(Number.isFinite(out[key])).toBe(true);
      expect(Number.isFinite(out.floor[key])).toBe(true);
    }
    expect(out.floor.method).toBe("fresh-draws");
    // A CSV reference has no generator: the floor comes from split halves.
    const csv = join(scratch, "reference.csv");
    writeFileSync(csv, "x,y\n" + JSON.parse(readFileSync(reference, "utf8")).points.map((p: number[]) => p.join(",")).join("\n"));
    expect(json("evaluate", "--samples", samples, "--reference", csv).floor.method).toBe("split-half");
  });

  it("answers --help on every command", () => {
    for (const command of ["schedule", "dataset", "sample", "evaluate"]) {
      const result = chisel(command, "--help");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: chisel ${command}`);
    }
    expect(chisel("--help").stdout).toContain("Commands:");
  });

  const badInput: [string[], RegExp][] = [
    [["schedule", "--beta-start", "0.01", "--beta-end", "0.001"], /--beta-end must be greater than --beta-start/],
    [["schedule", "--beta-end", "1"], /--beta-end must be a number in \(0, 1\), got "1"/],
    [["schedule", "--beta-end", "1.5"], /--beta-end must be a number in \(0, 1\)/],
    [["schedule", "--T", "0"], /--T must be an integer from 1 to 100000, got "0"/],
    [["schedule", "--T", "ten"], /--T must be an integer/],
    [["schedule", "--schedule", "exponential"], /--schedule must be one of linear, quadratic, cosine, sigmoid/],
    [["sample", "--T", "50", "--steps", "100"], /--steps must be an integer from 1 to T \(50\), got 100/],
    [["sample", "--n", "abc"], /--n must be an integer from 1 to 100000, got "abc"/],
    [["sample", "--sampler", "euler"], /--sampler must be one of ddpm, ddim, dpm-solver\+\+/],
    [["sample", "--eta", "2"], /--eta must be a number in \[0, 1\]/],
    [["sample", "--model", "nope.ckpt"], /--model/],
    [["dataset", "--name", "swissroll"], /--name must be one of/],
    [["dataset", "--bogus", "1"], /unknown flag --bogus/],
    [["dataset", "--n"], /--n needs a value/],
    [["dataset", "--noise", "-1"], /^chisel: --noise -1 is ambiguous: write --noise=-1$/m],
    [["evaluate", "--reference", "x.json"], /--samples is required/],
    [["evaluate", "--samples", "/nonexistent.json", "--reference", "/nonexistent.json"], /--samples \/nonexistent.json: no such file/],
    [["frobnicate"], /unknown command "frobnicate"/],
  ];
  it.each(badInput)("rejects %j with one line and exit code 2", (args, message) => {
    const result = chisel(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a malformed point file and keeps an existing --out file intact on failure", () => {
    const broken = join(scratch, "broken.json");
    writeFileSync(broken, '{"points": [[1, 2], [3]]}');
    const result = chisel("evaluate", "--samples", broken, "--reference", broken);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--samples .*broken.json: points: points\[1\] .*need exactly 2 numbers/);
    const kept = join(scratch, "kept.json");
    writeFileSync(kept, "precious");
    expect(chisel("sample", "--steps", "0", "--out", kept).code).toBe(2);
    expect(readFileSync(kept, "utf8")).toBe("precious");
  });
});
