/**
 * SIGTERM and SIGHUP stop `train` and `report` as Ctrl-C does (train.test.ts covers SIGINT): train saves
 * the step reached and marks its run aborted, report publishes nothing; each exits with 128 + the
 * signal's number.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chisel, chiselProcess } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-signals-"));

/** Starts the CLI, waits for a stderr line matching `ready`, sends `signal`, and returns how it ended. */
async function signalled(args: string[], ready: RegExp, signal: Deno.Signal) {
  const child = chiselProcess(...args);
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  while (!ready.test(stderr)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended before ${ready}: ${stderr}`);
    stderr += value;
  }
  const seen = stderr.length;
  child.kill(signal);
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) stderr += chunk.value;
  const { code } = await child.status;
  return { code, stdout: await stdout, stderr: stderr.slice(seen) };
}

describe("chisel train on SIGTERM and SIGHUP", () => {
  const cases: [Deno.Signal, number][] = [["SIGTERM", 143], ["SIGHUP", 129]];
  it.each(cases)("on %s saves the step reached, marks the run aborted and exits with %i", async (signal, exitCode) => {
    const dir = join(scratch, signal);
    // The first progress line: training runs, past its step-0 checkpoint.
    const { code, stdout, stderr } = await signalled(["train", "--steps", "1000000", "--out", dir], /steps\/s/, signal);
    expect(code).toBe(exitCode);
    const step = Number(stderr.match(new RegExp(`chisel: ${signal}: interrupted after step (\\d+); its checkpoint is saved in `))?.[1]);
    expect(step).toBeGreaterThan(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: "aborted", steps: step });
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.status).toBe("aborted");
    expect(manifest.checkpoints.at(-1).step).toBe(step);
    expect(existsSync(join(dir, `step-${String(step).padStart(6, "0")}.f32`))).toBe(true);
    // The step reached samples and exports, each with a warning that the run did not complete.
    const warning = (flag: string) =>
      new RegExp(`^chisel: warning: --${flag} .*${signal} is a run that did not complete \\(aborted\\); this is its checkpoint at step ${step} of 1000000$`, "m");
    const sampled = chisel("sample", "--model", dir, "--steps", "3", "--n", "4");
    expect(sampled.code, sampled.stderr).toBe(0);
    expect(sampled.stderr).toMatch(warning("model"));
    const exported = chisel("export-onnx", "--checkpoint", dir, "--out", join(scratch, `${signal}.onnx`));
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(warning("checkpoint"));
  });
});

describe("chisel report on SIGTERM", () => {
  it("stops with exit code 143, publishing nothing and caching no run", async () => {
    const reportsDir = join(scratch, "reports");
    const runsDir = join(scratch, "runs");
    mkdirSync(reportsDir);
    mkdirSync(runsDir);
    const file = join(scratch, "long.json");
    writeFileSync(file, JSON.stringify({
      name: "signalled",
      title: "A long run",
      train: { dataset: { n: 256 }, schedule: { T: 50 }, training: { steps: 200_000, batch: 64 } },
      samplers: [{ sampler: "ddim" }],
      steps: [5],
      seeds: [0],
      n: 64,
    }));
    const args = ["report", "--config", file, "--reports-dir", reportsDir, "--runs-dir", runsDir];
    const { code, stderr } = await signalled(args, /: training \d+\//, "SIGTERM");
    expect(code).toBe(143);
    expect(stderr).toMatch(/^chisel: SIGTERM: interrupted; the published reports are unchanged$/m);
    expect(readdirSync(reportsDir).filter((name) => !name.startsWith("."))).toEqual([]);
    // No finished run in the cache: at most the unfinished one.
    expect(readdirSync(runsDir).filter((name) => !name.endsWith(".partial"))).toEqual([]);
  });
});
