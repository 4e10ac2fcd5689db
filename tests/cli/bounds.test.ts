/**
 * Bounded work and memory through the CLI: every file a flag names is refused at once when it is not a
 * regular file within its limit (a device, a FIFO with no writer, a huge file), an output that cannot fit
 * is refused before any work, and a long job states its cost up front and shows progress on stderr.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sampleEstimate } from "../../src/core/cost.js";
import { LONG_JOB_SECONDS } from "../../scripts/cli/progress.js";
import { chiselProcess, root } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-bounds-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const deno = join(root, "node_modules/.bin/deno");
const script: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.chisel;

/** Runs the CLI; a command that hangs is killed after `seconds` and reported with a null code. */
function chisel(seconds: number, ...args: string[]) {
  const started = performance.now();
  const result = spawnSync(deno, [...script.split(/\s+/).slice(1), ...args], { cwd: root, encoding: "utf8", timeout: seconds * 1000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

/** Refused with exit 2 and one line on stderr, quickly: never read to the end nor waited on. */
function refused(args: string[], message: RegExp) {
  const result = chisel(20, ...args);
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.seconds).toBeLessThan(15); // Deno's start-up is most of it
}

const fifo = join(scratch, "fifo");
execFileSync("mkfifo", [fifo]);
const fifoOnnx = join(scratch, "fifo.onnx");
execFileSync("mkfifo", [fifoOnnx]);
const zeroOnnx = join(scratch, "zero.onnx");
symlinkSync("/dev/zero", zeroOnnx);
const hugeConfig = join(scratch, "huge.json");
writeFileSync(hugeConfig, "");
truncateSync(hugeConfig, 4 * 2 ** 30); // sparse

/** A copy of the default run whose last weight file (or manifest) is replaced by `replace`. */
function brokenRun(name: string, file: string, replace: (path: string) => void): string {
  const dir = join(scratch, name);
  cpSync(join(root, "data/runs/b54d779d54d7003b"), dir, { recursive: true });
  rmSync(join(dir, file));
  replace(join(dir, file));
  return dir;
}

describe("bounded file reads", () => {
  const notAFile = (flag: string, limit: string, kind: string) =>
    new RegExp(`^chisel: --${flag} .*(: |\\()not a regular file \\(a device, FIFO or socket\\); chisel reads only files, of at most ${limit} for ${kind} files\\)?$`, "m");

  it.each([
    [["train", "--config", "/dev/zero", "--out", join(scratch, "run")], notAFile("config", "1 MB", "config")],
    [["train", "--config", fifo, "--out", join(scratch, "run")], notAFile("config", "1 MB", "config")],
    [["train", "--config", hugeConfig, "--out", join(scratch, "run")], /^chisel: --config .*huge\.json: larger than the 1 MB limit for config files$/m],
    [["sample", "--model", zeroOnnx], notAFile("model", "64 MB", "onnx")],
    [["sample", "--model", fifoOnnx], notAFile("model", "64 MB", "onnx")],
    [["quality", "--model", fifoOnnx], notAFile("model", "64 MB", "onnx")],
    [["evaluate", "--samples", "/dev/zero", "--reference", "/dev/zero"], notAFile("samples", "128 MB", "points")],
    [["evaluate", "--samples", fifo, "--reference", fifo], notAFile("samples", "128 MB", "points")],
  ])("refuses %j at once", (args, message) => refused(args, message));

  it("refuses a weight file that is a device, a FIFO or far too large before reading it", () => {
    const last = "step-010000.f32";
    const zero = brokenRun("zero-weights", last, (path) => symlinkSync("/dev/zero", path));
    refused(["sample", "--model", zero, "--steps", "2", "--n", "2"], notAFile("model", "64 MB", "weights"));
    const pipe = brokenRun("fifo-weights", last, (path) => execFileSync("mkfifo", [path]));
    refused(["sample", "--model", join(pipe, last), "--steps", "2", "--n", "2"], notAFile("model", "64 MB", "weights"));
    const huge = brokenRun("huge-weights", last, (path) => {
      writeFileSync(path, "");
      truncateSync(path, 8 * 2 ** 30);
    });
    refused(["export-onnx", "--checkpoint", huge, "--out", join(scratch, "x.onnx")], /^chisel: --checkpoint .*: step-010000\.f32: 8589934592 bytes, expected 151048 \(extra data\)$/m);
    const manifest = brokenRun("fifo-manifest", "manifest.json", (path) => execFileSync("mkfifo", [path]));
    refused(["sample", "--model", manifest], notAFile("model", "16 MB", "manifest"));
  });

  it("states the cap on the number of points in a points file", () => {
    const many = join(scratch, "many.csv");
    writeFileSync(many, "x,y\n" + "0.5,0.25\n".repeat(100_001));
    refused(["evaluate", "--samples", many, "--reference", many], /^chisel: --samples .*many\.csv: points: got 100,001 rows, need 1 to 100,000 rows$/m);
  });
});

describe("bounded output and long jobs", () => {
  it("refuses a sample whose JSON could not fit, before any work, naming the limit and what to lower", () => {
    refused(
      ["sample", "--n", "100000", "--steps", "200", "--trajectory"],
      /^chisel: --trajectory: 100,000 points × 200 steps would write 40,200,000 points \(up to 1\.9 GB of JSON\), over the 128 MB output limit; lower --n or --steps, or drop --trajectory$/m,
    );
  });

  /** Reads the child's stderr until a line matches, then kills it; the line, or the text so far on timeout. */
  async function firstLineMatching(child: Deno.ChildProcess, pattern: RegExp, seconds: number): Promise<string> {
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const deadline = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += value;
        const line = text.split("\n").find((l) => pattern.test(l));
        if (line !== undefined) return line;
      }
    } finally {
      clearTimeout(deadline);
      child.kill("SIGKILL");
      await reader.cancel();
      await child.stdout.cancel();
      await child.status;
    }
  }

  it("states the cost of a job that would run for days before starting it", async () => {
    const child = chiselProcess("sample", "--T", "100000", "--n", "100000");
    const line = await firstLineMatching(child, /of work/, 20);
    expect(line).toMatch(/^chisel: about [\d.]+ days of work \(oracle, 100,000 points × 100,000 steps × 2,048 data points\); progress below$/);
  });

  it("warns of evaluate's pairwise work before doing it", async () => {
    const points = (seed: number) =>
      JSON.stringify(Array.from({ length: 100_000 }, (_, i) => [Math.cos(i + seed), Math.sin(i * seed)]));
    const samples = join(scratch, "samples-100k.json");
    writeFileSync(samples, points(1));
    const child = chiselProcess("evaluate", "--samples", samples, "--reference", samples);
    const line = await firstLineMatching(child, /of work/, 30);
    expect(line).toMatch(/^chisel: about [\d.]+ min of work \(pairwise distances of 100,000 samples and 100,000 reference points, and a split-half floor\); progress below$/);
  });

  it("shows progress on stderr for a long enough sample while stdout stays pure JSON", () => {
    // The fewest points that make the default oracle run (1,000 DDPM steps) a long job.
    let n = 16;
    const estimate = (points: number) =>
      sampleEstimate({ denoiser: { kind: "oracle", dataPoints: 2048 }, sampler: "ddpm", n: points, steps: 1000 }).seconds;
    while (estimate(n) < LONG_JOB_SECONDS) n += 16;
    const result = chisel(120, "sample", "--n", String(n));
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.samples).toHaveLength(n);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^chisel: about [\d.]+ s of work \(oracle, .* points × 1,000 steps × 2,048 data points\); progress below$/);
    // stderr is a pipe here: a line per tenth, from 0 to the end.
    const progress = lines.slice(1);
    expect(progress.length).toBeGreaterThanOrEqual(10);
    for (const line of progress) expect(line).toMatch(/^\[[#-]{24}\] \d+\/1000 steps {2}\d+:\d\d elapsed {2}ETA (\d+:\d\d|--:--)$/);
    expect(progress[0]).toMatch(/^\[-{24}\] 0\/1000 steps/);
    expect(progress[progress.length - 1]).toMatch(/^\[#{24}\] 1000\/1000 steps/);
  });

  it("keeps stderr empty for a short job", () => {
    const result = chisel(60, "sample", "--n", "16", "--steps", "50");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout).samples).toHaveLength(16);
  });
});
