import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chisel, chiselProcess } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-train-"));

function ok(...args: string[]) {
  const result = chisel(...args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe("chisel train, export-onnx and sample --model", () => {
  const run = join(scratch, "run");

  it("trains a short run into a directory of checkpoints and reports it", () => {
    const out = ok("train", "--steps", "120", "--seed", "4", "--out", run, "--quiet");
    expect(out).toMatchObject({ runDir: run, status: "completed", steps: 120, checkpoints: [0, 120] });
    expect(out.engine).toMatch(/^fused-wasm/);
    expect(out.configHash).toMatch(/^[0-9a-f]{64}$/);
    const manifest = JSON.parse(readFileSync(join(run, "manifest.json"), "utf8"));
    expect(manifest.config.training).toMatchObject({ steps: 120, seed: 4, batch: 1024, lr: 0.01, warmup: 6, ema: 0.999 });
    expect(manifest.command).toBe(`chisel train --steps 120 --seed 4 --out ${run} --quiet`);
    // A second run into the same directory is refused; nothing is lost.
    const again = chisel("train", "--steps", "10", "--out", run);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^chisel: --out .* already holds a run: choose another directory or pass --overwrite$/m);
    expect(JSON.parse(readFileSync(join(run, "manifest.json"), "utf8")).status).toBe("completed");
  });

  it("trains with the engine --backend names, and every registered training setting has a flag", () => {
    const dir = join(scratch, "backend");
    const args = ["--steps", "5", "--batch", "16", "--dataset-n", "64", "--T", "50", "--dataset-seed", "3", "--log-every", "2"];
    const out = ok("train", ...args, "--backend", "fused-js", "--out", dir, "--quiet");
    expect(out.engine).toBe("fused-js");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.config).toMatchObject({ backend: "fused-js", dataset: { n: 64, seed: 3 }, schedule: { T: 50 }, training: { logEvery: 2 } });
  });

  it("exports ONNX and samples the same points from it and from the run, on the fused kernel, onnxruntime and plain TypeScript", () => {
    const onnx = join(scratch, "model.onnx");
    const exported = ok("export-onnx", "--checkpoint", run, "--out", onnx);
    expect(exported).toMatchObject({ step: 120, parameterization: "eps", schedule: { kind: "linear", T: 1000 } });
    expect(readFileSync(onnx).length).toBe(exported.bytes);
    const args = ["--sampler", "ddim", "--steps", "20", "--n", "32", "--seed", "2"];
    const viaOnnx = ok("sample", "--model", onnx, ...args);
    const viaRun = ok("sample", "--model", run, ...args);
    const viaReference = ok("sample", "--model", join(run, "step-000120.f32"), "--engine", "reference", ...args);
    const viaOrt = ok("sample", "--model", onnx, "--engine", "ort", ...args);
    // The .onnx file's weights, read back, run exactly as the checkpoint's on the default engine.
    expect(viaRun.samples).toEqual(viaOnnx.samples);
    expect(viaRun).toMatchObject({ checkpointStep: 120, engine: "fused" });
    const worst = (a: number[][], b: number[][]) => Math.max(...a.flatMap((p, i) => [Math.abs(p[0] - b[i][0]), Math.abs(p[1] - b[i][1])]));
    expect(worst(viaOrt.samples, viaOnnx.samples)).toBeLessThan(1e-4); // two float32 engines
    expect(worst(viaReference.samples, viaOnnx.samples)).toBeLessThan(1e-3); // float32 vs the float64 reference, over 20 steps
  });

  it("refuses a bad ONNX graph with one line and exit code 2 in sample and quality alike", () => {
    // Valid protobuf and metadata, but an operator onnxruntime does not know: it fails only when opened.
    const bytes = readFileSync(join(scratch, "model.onnx"));
    expect(bytes.indexOf("Gemm")).toBeGreaterThan(0);
    for (let at = bytes.indexOf("Gemm"); at >= 0; at = bytes.indexOf("Gemm", at)) bytes.write("Zzzz", at);
    const broken = join(scratch, "broken-op.onnx");
    writeFileSync(broken, bytes);
    for (const command of ["sample", "quality"]) {
      // onnxruntime runs the graph as written, and finds the unknown operator.
      const onOrt = chisel(command, "--model", broken, "--steps", "2", "--engine", "ort");
      expect(onOrt.code, command).toBe(2);
      expect(onOrt.stderr, command).toMatch(/^chisel: --model .*broken-op\.onnx: ort cannot open it: /);
      expect(onOrt.stderr.trim().split("\n"), command).toHaveLength(1);
      // The fused kernel runs chisel's graph: a file that is not exactly chisel's export is refused, not reinterpreted.
      const onFused = chisel(command, "--model", broken, "--steps", "2");
      expect(onFused.code, command).toBe(2);
      expect(onFused.stderr, command).toMatch(/^chisel: --model .*broken-op\.onnx: fused cannot open it: the model's graph is not chisel's export of its weights/);
      expect(onFused.stderr.trim().split("\n"), command).toHaveLength(1);
    }
  });

  it("refuses a --step that the model path overrides instead of ignoring it", () => {
    const cases: [string[], RegExp][] = [
      [["sample", "--model", join(scratch, "model.onnx"), "--step", "0"], /--step goes with a run directory, not an \.onnx --model/],
      [["quality", "--model", join(scratch, "model.onnx"), "--step", "0"], /--step goes with a run directory, not an \.onnx --model/],
      [["sample", "--model", join(run, "step-000120.f32"), "--step", "0"], /--step 0 disagrees with --model .*step-000120\.f32, which is step 120/],
      [["export-onnx", "--checkpoint", join(run, "step-000120.f32"), "--step", "0", "--out", join(scratch, "y.onnx")], /--step 0 disagrees with --checkpoint/],
      [["export-onnx", "--checkpoint", run, "--out", scratch], /--out .*: is a directory/],
      [["sample", "--model", run, "--dataset", "moons"], /--dataset goes with the oracle/],
    ];
    for (const [args, message] of cases) {
      const result = chisel(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(existsSync(join(scratch, "y.onnx"))).toBe(false);
    // The same step as the file's is no contradiction.
    expect(chisel("sample", "--model", join(run, "step-000120.f32"), "--step", "120", "--steps", "2", "--n", "2").code).toBe(0);
  });

  it("refuses a tampered checkpoint with one line and exit code 2", () => {
    const file = join(run, "step-000120.f32");
    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    tampered[100] ^= 0xff;
    writeFileSync(file, tampered);
    try {
      const result = chisel("sample", "--model", run, "--steps", "5");
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/sha-?256|hash/i);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      writeFileSync(file, original.subarray(0, 1000));
      expect(chisel("export-onnx", "--checkpoint", run, "--out", join(scratch, "x.onnx")).stderr).toMatch(/--checkpoint .*: .*(bytes|truncated|size)/i);
      expect(existsSync(join(scratch, "x.onnx"))).toBe(false);
    } finally {
      writeFileSync(file, original);
    }
  });

  /** A copy of the run whose last checkpoint holds `edit`ed weights, hashed into its manifest as training would. */
  function runWithWeights(name: string, edit: (weights: Float32Array) => void): string {
    const dir = join(scratch, name);
    cpSync(run, dir, { recursive: true });
    const file = join(dir, "step-000120.f32");
    const bytes = readFileSync(file);
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    edit(weights);
    writeFileSync(file, new Uint8Array(weights.buffer));
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    manifest.checkpoints.at(-1).sha256 = createHash("sha256").update(new Uint8Array(weights.buffer)).digest("hex");
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    return dir;
  }

  it("refuses weights holding NaN in sample, quality and export-onnx, naming the parameter, with exit code 2", () => {
    const dir = runWithWeights("nan-weights", (weights) => weights.fill(NaN, 7));
    const out = join(scratch, "nan.onnx");
    const cases: [string[], string][] = [
      [["sample", "--model", dir, "--steps", "2"], `--model ${dir}`],
      [["quality", "--model", dir, "--steps", "2", "--seeds", "1"], `--model ${dir}`],
      [["export-onnx", "--checkpoint", dir, "--out", out], `--checkpoint ${dir}`],
    ];
    for (const [args, flag] of cases) {
      const result = chisel(...args);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr).toBe(`chisel: ${flag}: step-000120.f32: weights contain NaN at parameter index 7; the run diverged\n`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it("refuses an .onnx model whose weights hold NaN, naming the tensor", () => {
    const bytes = readFileSync(join(scratch, "model.onnx"));
    // The first layer's 38th weight, as its float32 bytes (found once in the model), turned into NaN.
    const weight = readFileSync(join(run, "step-000120.f32")).subarray(4 * 37, 4 * 38);
    const at = bytes.indexOf(weight);
    expect(at).toBeGreaterThan(0);
    expect(bytes.lastIndexOf(weight)).toBe(at);
    bytes.set([0, 0, 0xc0, 0x7f], at);
    const model = join(scratch, "nan.onnx");
    writeFileSync(model, bytes);
    const result = chisel("sample", "--model", model, "--steps", "2");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chisel: --model ${model}: the model's weights contain NaN at W1[37]; the run diverged\n`);
  });

  it("fails with exit code 1 and writes nothing when an output would hold a number that is not finite", () => {
    // Finite weights so large that the network's output overflows float32.
    const dir = runWithWeights("huge-weights", (weights) => weights.fill(1e30));
    const out = join(scratch, "huge.json");
    const result = chisel("sample", "--model", dir, "--steps", "2", "--n", "4", "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^chisel: the output's samples\[0\]\[0\] is (NaN|-?Infinity), not a finite number: nothing was written /m);
    expect(existsSync(out)).toBe(false);
  });

  it("marks a run whose loss blows up diverged, keeps its checkpoints, exits 1, and warns whoever samples it", () => {
    const dir = join(scratch, "diverged");
    // lr 1 with no warm-up: the loss leaves 1 for millions within a few steps.
    const result = chisel("train", "--lr", "1", "--warmup", "0", "--batch", "16", "--steps", "300", "--out", dir, "--quiet");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const message = result.stderr.match(
      /^chisel: (training diverged at step (\d+): the loss exceeded 10 × that of a zero output \(1\.0\d\) on 50 of the last 100 steps \(last good checkpoint: step 0\)); .*diverged is marked diverged\n$/,
    );
    expect(message, result.stderr).not.toBeNull();
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ status: "diverged", error: message![1] });
    expect(manifest.checkpoints.map((c: { step: number }) => c.step)).toEqual([0]);
    expect(manifest.lossHistory.steps.at(-1)).toBe(Number(message![2]));
    const sampled = chisel("sample", "--model", dir, "--steps", "2", "--n", "2");
    expect(sampled.code).toBe(0);
    expect(sampled.stderr).toBe(
      `chisel: warning: --model ${dir} is a run that did not complete (diverged: ${message![1]}); this is its checkpoint at step 0 of 300\n`,
    );
  });

  const badInput: [string[], RegExp][] = [
    [["train", "--lr", "0", "--out", "x"], /--lr must be a number in \(0, 1\], got "0"/],
    [["train", "--steps", "0", "--out", "x"], /--steps must be an integer from 1 to 1000000/],
    [["train", "--backend", "cuda", "--out", "x"], /--backend must be one of fused-wasm/],
    [["train"], /--out is required/],
    [["train", "--beta-start", "0.02", "--beta-end", "0.01", "--out", "x"], /schedule\.betaEnd: must be greater than betaStart/],
    [["sample", "--model", "/nonexistent/run"], /--model \/nonexistent\/run: .*no such file/i],
    [["sample", "--model", "oracle", "--step", "3"], /--step goes with a trained --model/],
    [["export-onnx", "--out", "x.onnx"], /--checkpoint is required/],
    [["quality", "--steps", "10,abc"], /--steps must list integers from 1 to T \(1000\), got "abc"/],
  ];
  it.each(badInput)("rejects %j with one line and exit code 2", (args, message) => {
    const result = chisel(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses an --out that is a file, before training", () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "precious");
    const result = chisel("train", "--steps", "5", "--out", file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chisel: --out .*a-file: not a folder \(train writes a run directory\)$/m);
    expect(readFileSync(file, "utf8")).toBe("precious");
  });

  it("refuses an unknown backend in a config file with its JSON path", () => {
    const config = join(scratch, "cuda.json");
    writeFileSync(config, JSON.stringify({ backend: "cuda" }));
    const result = chisel("train", "--config", config, "--out", join(scratch, "never"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chisel: --config .*cuda\.json: backend: must be one of fused-wasm, .*, got "cuda"$/m);
    expect(existsSync(join(scratch, "never"))).toBe(false);
  });

  it("names the JSON path of a bad config file", () => {
    const config = join(scratch, "bad.json");
    writeFileSync(config, JSON.stringify({ training: { lr: 2 } }));
    const result = chisel("train", "--config", config, "--out", join(scratch, "never"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config .*bad.json: training\.lr: must be a number in \(0, 1\], got 2/);
    expect(existsSync(join(scratch, "never"))).toBe(false);
  });

  it("saves the last finished step on Ctrl-C and exits with 130", async () => {
    const dir = join(scratch, "interrupted");
    const child = chiselProcess("train", "--steps", "1000000", "--out", dir, "--quiet");
    // Wait until training runs (the step-0 checkpoint is on disk), then interrupt.
    const started = Date.now();
    while (!existsSync(join(dir, "step-000000.f32")) && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    child.kill("SIGINT");
    const { code, stderr: errBytes } = await child.output();
    const stderr = new TextDecoder().decode(errBytes);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted after step \d+; its checkpoint is saved/);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.status).toBe("aborted");
    const last = manifest.checkpoints.at(-1);
    expect(last.step).toBeGreaterThan(0);
    // The saved step samples.
    expect(chisel("sample", "--model", dir, "--steps", "3", "--n", "4").code).toBe(0);
  });
});
