/**
 * Flow matching from the CLI: train --objective flow-matching, then sample and score it with Euler and
 * Heun on every engine, with the objective read from the run or the .onnx file, and DDPM's samplers refused.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chisel } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-flow-"));

function ok(...args: string[]) {
  const result = chisel(...args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

function refused(args: string[], message: string) {
  const result = chisel(...args);
  expect(result.code, result.stdout).toBe(2);
  expect(result.stderr.trim()).toBe(`chisel: ${message}`);
}

describe("chisel train --objective flow-matching", () => {
  const run = join(scratch, "run");
  const onnx = join(scratch, "flow.onnx");

  it("trains a short run whose manifest records the objective", () => {
    const out = ok("train", "--objective", "flow-matching", "--steps", "300", "--batch", "256", "--out", run, "--quiet");
    expect(out).toMatchObject({ status: "completed", steps: 300 });
    expect(Number.isFinite(out.finalLoss)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(run, "manifest.json"), "utf8"));
    expect(manifest.config.model.objective).toBe("flow-matching");
    // Scored on the velocity target: an untrained network's loss is about E‖ε − x₀‖²/2 ≈ 1.3, a trained one's below.
    expect(manifest.checkpoints.at(-1).loss).toBeLessThan(manifest.checkpoints[0].loss);
  });

  it("refuses DDPM's schedule and prediction flags with flow matching, naming the flag", () => {
    const never = join(scratch, "never");
    refused(["train", "--objective", "flow-matching", "--T", "100", "--out", never], "--T applies to ddpm only: flow matching has no noise schedule");
    // Given is given: a flag set to its default value is refused too, rather than dropped.
    refused(["train", "--objective", "flow-matching", "--schedule", "linear", "--out", never], "--schedule applies to ddpm only: flow matching has no noise schedule");
    refused(
      ["train", "--objective", "flow-matching", "--parameterization", "v", "--out", never],
      "--parameterization applies to ddpm only: a flow-matching network predicts the velocity ε − x₀",
    );
    // What a config file says is named by its path.
    const config = join(scratch, "flow-cosine.json");
    writeFileSync(config, JSON.stringify({ model: { objective: "flow-matching" }, schedule: { kind: "cosine" } }));
    refused(
      ["train", "--config", config, "--out", never],
      `--config ${config}: schedule: applies to ddpm only: flow matching has no noise schedule, so leave it out, got {"kind":"cosine"}`,
    );
  });

  it("samples with Euler (the default) and Heun, and refuses DDPM's samplers", () => {
    const euler = ok("sample", "--model", run, "--steps", "10", "--n", "64");
    expect(euler).toMatchObject({ sampler: "euler", steps: 10, objective: "flow-matching" });
    expect(euler.timesteps).toEqual([1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]);
    expect(euler.schedule).toBeUndefined();
    const heun = ok("sample", "--model", run, "--sampler", "heun", "--steps", "10", "--n", "64");
    expect(heun.xT).toEqual(euler.xT);
    expect(heun.samples).not.toEqual(euler.samples);
    expect(heun.samples.flat().every(Number.isFinite)).toBe(true);
    // Straightness, from the states the trajectory records: total path length over total x_T-to-sample distance.
    const traced = ok("sample", "--model", run, "--sampler", "heun", "--steps", "10", "--n", "64", "--trajectory");
    const states: number[][][] = [...traced.trajectory.xt, traced.samples];
    let length = 0;
    let distance = 0;
    for (let i = 0; i < 64; i++) {
      for (let k = 1; k < states.length; k++) length += Math.hypot(states[k][i][0] - states[k - 1][i][0], states[k][i][1] - states[k - 1][i][1]);
      distance += Math.hypot(traced.samples[i][0] - traced.xT[i][0], traced.samples[i][1] - traced.xT[i][1]);
    }
    expect(heun.straightness).toBeGreaterThanOrEqual(1);
    expect(traced.straightness).toBeCloseTo(length / distance, 12);
    refused(["sample", "--model", run, "--sampler", "ddpm", "--steps", "10"], "--sampler ddpm cannot run a flow-matching model: use one of euler, heun");
    refused(["quality", "--model", run, "--samplers", "dpm-solver++"], '--samplers must list samplers of a flow-matching model (euler | heun), got "dpm-solver++"');
    refused(["sample", "--model", run, "--objective", "ddpm"], "--objective goes with the oracle: a trained --model brings the objective it was trained for");
  });

  it("refuses DDPM's sampling flags with a flow model when given, even at their default values", () => {
    const sample = ["sample", "--model", run, "--steps", "2", "--n", "4"];
    refused([...sample, "--eta", "0"], "--eta applies to ddpm models only: flow samplers add no noise");
    refused([...sample, "--variance", "betaTilde"], "--variance applies to ddpm models only: flow samplers add no noise");
    refused([...sample, "--spacing", "trailing"], "--spacing applies to ddpm models only: flow samplers step evenly in t");
    refused([...sample, "--clip-x0", "2"], "--clip-x0 applies to ddpm models only: a flow-matching model predicts a velocity, not x̂₀");
    refused(["quality", "--model", run, "--spacing", "logsnr"], "--spacing applies to ddpm models only: flow samplers step evenly in t");
    // DDPM still records the defaults it ran with.
    expect(ok("sample", "--sampler", "ddim", "--steps", "2", "--n", "2")).toMatchObject({ eta: 0 });
    expect(ok("sample", "--sampler", "ddpm", "--steps", "2", "--n", "2")).toMatchObject({ variance: "betaTilde" });
  });

  it("exports to ONNX with the objective, and onnxruntime agrees with the fused engine to 1e-4", () => {
    expect(ok("export-onnx", "--checkpoint", run, "--out", onnx)).toMatchObject({ objective: "flow-matching" });
    // 7 steps: τ = 1000·t is not an integer on this grid, which every engine must embed as given.
    const args = ["--sampler", "heun", "--steps", "7", "--n", "128", "--seed", "2"];
    const fused = ok("sample", "--model", run, ...args);
    expect(fused.timesteps[1]).toBeCloseTo(6 / 7, 15);
    for (const engine of ["ort", "tfjs", "reference"]) {
      const other = ok("sample", "--model", onnx, "--engine", engine, ...args);
      expect(other.objective).toBe("flow-matching");
      const worst = Math.max(...other.samples.flat().map((v: number, i: number) => Math.abs(v - fused.samples.flat()[i])));
      expect(worst, engine).toBeLessThan(1e-4);
    }
  });

  it("scores Euler and Heun against the floor with chisel quality", () => {
    const table = ok("quality", "--model", run, "--steps", "5", "--seeds", "1", "--n", "128");
    expect(table.objective).toBe("flow-matching");
    expect(table.rows.map((row: { sampler: string; steps: number }) => `${row.sampler} ${row.steps}`)).toEqual(["euler 5", "heun 5"]);
    // No DDPM spacing on a flow row, so its label reads "Euler", not "Euler (trailing)".
    expect(table.rows.every((row: object) => !("spacing" in row))).toBe(true);
    const ddpm = ok("quality", "--steps", "2", "--seeds", "1", "--n", "16", "--samplers", "ddim");
    expect(ddpm).toMatchObject({ objective: "ddpm", rows: [{ sampler: "ddim", spacing: "trailing" }] });
  });

  it("reflows: trains a student on the run's pairs with the run's config, naming the teacher by its hash", () => {
    const student = join(scratch, "reflow");
    const teacher = JSON.parse(readFileSync(join(run, "manifest.json"), "utf8"));
    const out = ok("train", "--reflow-from", run, "--reflow-pairs", "512", "--reflow-steps", "8", "--steps", "120", "--out", student, "--quiet");
    expect(out).toMatchObject({ status: "completed", steps: 120 });
    const manifest = JSON.parse(readFileSync(join(student, "manifest.json"), "utf8"));
    expect(manifest.config.training.reflow).toEqual({ teacher: teacher.configHash, pairs: 512, steps: 8, sampler: "heun", seed: 0 });
    // The teacher's data, network and batch; the length is the student's own, with its own checkpoints.
    expect(manifest.config.model).toEqual(teacher.config.model);
    expect(manifest.config.training.batch).toBe(teacher.config.training.batch);
    expect(manifest.config.training.checkpoints).toEqual([0, 120]);
    // The student samples as any flow model does.
    expect(ok("sample", "--model", student, "--steps", "2", "--n", "8")).toMatchObject({ objective: "flow-matching", sampler: "euler" });
  });

  it("refuses, before writing anything, a teacher or student that reflow cannot make sense of", () => {
    const never = join(scratch, "never");
    const ddpm = join(scratch, "ddpm");
    ok("train", "--steps", "2", "--batch", "8", "--out", ddpm, "--quiet");
    refused(["train", "--reflow-from", ddpm, "--out", never], `--reflow-from ${ddpm}: a ddpm model; reflow needs a flow-matching teacher (--objective flow-matching)`);
    refused(["train", "--reflow-pairs", "10", "--out", never], "--reflow-pairs goes with --reflow-from (the teacher run whose pairs it sets)");
    refused(["train", "--reflow-from", run, "--reflow-sampler", "ddim", "--out", never], '--reflow-sampler must be one of euler, heun, got "ddim"');
    for (const flag of [["--data", "data/datasets/heart.csv"], ["--dataset", "moons"]]) {
      refused(["train", "--reflow-from", run, ...flag, "--out", never], `${flag[0]} cannot be combined with --reflow-from: the student learns the teacher's samples of the teacher's data`);
    }
    refused(["train", "--reflow-from", run, "--objective", "ddpm", "--out", never], "--objective ddpm cannot be combined with --reflow-from: the student is a flow-matching model");
    const nowhere = join(scratch, "nowhere");
    refused(["train", "--reflow-from", nowhere, "--out", never], `--reflow-from ${nowhere}: no such file or directory, stat '${nowhere}' (a teacher run directory)`);
    refused(["train", "--reflow-from", onnx, "--out", never], `--reflow-from ${onnx}: an .onnx model has no config to train the student with: give the teacher's run directory`);
    const stepFile = join(run, "step-000300.f32");
    refused(["train", "--reflow-from", stepFile, "--out", never], `--reflow-from ${stepFile}: a checkpoint file; give the teacher's run directory (its last checkpoint teaches)`);
    refused(["train", "--reflow-from", run, "--out", run, "--overwrite"], `--out ${run} is the teacher run: choose another directory for the student`);
    // A config naming reflow needs the teacher; a config of other data or of DDPM does not make a student.
    const reflowOnly = join(scratch, "reflow-only.json");
    writeFileSync(reflowOnly, JSON.stringify({ model: { objective: "flow-matching" }, training: { reflow: { teacher: "ab".repeat(32) } } }));
    refused(["train", "--config", reflowOnly, "--out", never], `--config ${reflowOnly}: training.reflow needs --reflow-from, the teacher run whose pairs it names`);
    refused(
      ["train", "--config", reflowOnly, "--reflow-from", run, "--out", never],
      `--config ${reflowOnly}: training.reflow.teacher is "${"ab".repeat(32)}", but --reflow-from ${run} has config hash ${JSON.parse(readFileSync(join(run, "manifest.json"), "utf8")).configHash}`,
    );
    const moons = join(scratch, "moons.json");
    writeFileSync(moons, JSON.stringify({ dataset: { name: "moons" }, model: { objective: "flow-matching" } }));
    expect(chisel("train", "--config", moons, "--reflow-from", run, "--out", never).stderr).toMatch(/^chisel: --config .*moons\.json: dataset differs from the teacher's/);
    const ddpmConfig = join(scratch, "ddpm.json");
    writeFileSync(ddpmConfig, "{}");
    refused(["train", "--config", ddpmConfig, "--reflow-from", run, "--out", never], `--config ${ddpmConfig}: a ddpm config; --reflow-from trains a flow-matching student (model.objective: "flow-matching")`);
    expect(existsSync(never)).toBe(false);
  });

  it("takes the pairs' settings from a --config's training.reflow when no flag gives them", () => {
    const student = join(scratch, "reflow-config");
    const config = join(scratch, "reflow-settings.json");
    const teacher = JSON.parse(readFileSync(join(run, "manifest.json"), "utf8"));
    writeFileSync(config, JSON.stringify({ ...teacher.config, training: { steps: 20, batch: 64, reflow: { pairs: 64, steps: 3 } } }));
    ok("train", "--config", config, "--reflow-from", run, "--reflow-seed", "4", "--out", student, "--quiet");
    const manifest = JSON.parse(readFileSync(join(student, "manifest.json"), "utf8"));
    expect(manifest.config.training.reflow).toEqual({ teacher: teacher.configHash, pairs: 64, steps: 3, sampler: "heun", seed: 4 });
  });
});

describe("the flow-matching oracle from the CLI", () => {
  it("samples the data with --objective flow-matching, and refuses a noise schedule", () => {
    const out = ok("sample", "--model", "oracle", "--objective", "flow-matching", "--sampler", "heun", "--steps", "20", "--n", "16");
    expect(out).toMatchObject({ model: "oracle", sampler: "heun", objective: "flow-matching" });
    refused(["sample", "--objective", "flow-matching", "--T", "50"], "--T goes with a ddpm model: flow matching has no noise schedule");
    refused(["sample", "--sampler", "euler"], "--sampler euler cannot run a ddpm model: use one of ddpm, ddim, dpm-solver++");
  });
});
