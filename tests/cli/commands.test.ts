import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
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
const linkOut = join(scratch, "link.json");
symlinkSync(join(scratch, "target.json"), linkOut);
// Files the bad-input table points at: a plain file where a folder belongs, and too-small references.
writeFileSync(join(scratch, "plain.txt"), "not a folder");
writeFileSync(join(scratch, "five.csv"), "x,y\n1,2\n3,4\n5,6\n7,8\n9,1\n");
writeFileSync(join(scratch, "four.json"), JSON.stringify({ name: "spiral", seed: 0, points: [[1, 2], [3, 4], [5, 6], [7, 8]] }));
// Points whose distances overflow: they made the sliced Wasserstein distance NaN, printed as "swd": null.
writeFileSync(join(scratch, "huge.csv"), `x,y\n${Array.from({ length: 20 }, (_, i) => (i % 2 ? "1e308,-1e308" : "-1e308,1e308")).join("\n")}\n`);
writeFileSync(join(scratch, "huge.json"), JSON.stringify({ samples: [[0, 0], [1e308, 1]] }));

function isCharacterDevice(path: string): boolean {
  try {
    return statSync(path).isCharacterDevice();
  } catch {
    return false;
  }
}

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
    [["sample", "--sampler", "euler"], /--sampler euler cannot run a ddpm model: use one of ddpm, ddim, dpm-solver\+\+/],
    [["sample", "--sampler", "rk4"], /--sampler must be one of ddpm, ddim, dpm-solver\+\+, euler, heun/],
    [["sample", "--eta", "2"], /--eta must be a number in \[0, 1\]/],
    [["sample", "--model", "nope.ckpt"], /--model/],
    [["dataset", "--name", "swissroll"], /--name must be one of/],
    [["dataset", "--bogus", "1"], /unknown flag --bogus/],
    [["dataset", "--n"], /--n needs a value/],
    // Numbers are plain decimals: no hex, binary, octal, Infinity, padding or empty string.
    ...["0x10", "0b11", "0o7", " 100 ", "", "Infinity"].map((raw): [string[], RegExp] => [
      ["schedule", "--T", raw],
      new RegExp(`--T must be an integer from 1 to 100000, got ${JSON.stringify(JSON.stringify(raw)).slice(1, -1)}`),
    ]),
    [["quality", "--steps", "10,0x10"], /--steps must list integers from 1 to T \(1000\), got "0x10"/],
    // A negative number after a number flag is its value, and meets the range check.
    [["dataset", "--noise", "-1"], /^chisel: --noise must be a number in \[0, 1.5\], got "-1"$/m],
    [["schedule", "--T", "-5"], /^chisel: --T must be an integer from 1 to 100000, got "-5"$/m],
    [["sample", "--seed", "-1"], /^chisel: --seed must be an integer from 0 to 4294967295, got "-1"$/m],
    [["schedule", "--T", "--schedule", "cosine"], /^chisel: --T needs a value: an integer from 1 to 100000$/m],
    [["dataset", "--out", "-x.json"], /^chisel: --out -x.json is ambiguous: write --out=-x.json$/m],
    // Flags that only mean something for a trained model are refused with the oracle, not ignored.
    [["sample", "--engine", "tfjs"], /--engine goes with a trained --model, not the oracle/],
    [["quality", "--step", "3"], /--step goes with a trained --model, not the oracle/],
    [["sample", "--stpe", "3"], /unknown flag --stpe/],
    [["dataset", "--step", "3"], /unknown flag --step/],
    // --out: one line naming it and the reason, before any work.
    [["dataset", "--out", scratch], /^chisel: --out .*: is a directory$/m],
    [["dataset", "--out", join(scratch, "missing", "x.json")], /^chisel: --out .*x\.json: no such folder .*missing$/m],
    // A link is refused: renaming over it would replace the link and never write where it points.
    [["dataset", "--out", linkOut], /^chisel: --out .*link\.json: is a link; name the file itself/m],
    [["dataset", "--out", join(scratch, "plain.txt", "x.json")], /^chisel: --out .*: .*plain\.txt is not a folder$/m],
    // The reason depends on Deno's permissions (the npm script does not grant devices): either way one line.
    ...(isCharacterDevice("/dev/full")
      ? [[["dataset", "--out", "/dev/full"], /^chisel: --out \/dev\/full: cannot write \(.+\)$/m] as [string[], RegExp]]
      : []),
    [["report", "--config", "reports/default.json", "--runs-dir", join(scratch, "plain.txt")], /^chisel: --runs-dir .*plain\.txt: not a folder$/m],
    [["report", "--config", "reports/default.json", "--reports-dir", join(scratch, "plain.txt")], /^chisel: --reports-dir .*: not a folder$/m],
    // Too few reference points for the k-NN metrics (k = 5) name the flag and the minimum.
    [["evaluate", "--samples", join(scratch, "five.csv"), "--reference", join(scratch, "five.csv")], /^chisel: --reference needs at least 12 points .*, got 5$/m],
    [["evaluate", "--samples", join(scratch, "five.csv"), "--reference", join(scratch, "four.json")], /^chisel: --reference needs at least 6 points, got 4$/m],
    [["evaluate", "--samples", join(scratch, "huge.csv"), "--reference", join(scratch, "huge.csv")], /^chisel: --samples .*huge\.csv: points: line 2, column 1 is "-1e308", need a number within ±1e150$/m],
    [["evaluate", "--samples", join(scratch, "huge.json"), "--reference", join(scratch, "five.csv")], /^chisel: --samples .*huge\.json: points: points\[1\]\[0\] is 1e\+308, need a number within ±1e150$/m],
    // Jitter wider than the shapes (about [−1.5, 1.5]²) is refused.
    [["dataset", "--noise", "2"], /^chisel: --noise must be a number in \[0, 1.5\], got "2"$/m],
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

  it("leaves no temporary file behind when an --out fails", () => {
    expect(readdirSync(scratch).filter((name) => name.endsWith(".tmp"))).toEqual([]);
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
