import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeParams } from "../../src/core/training/checkpoint.js";
import { initialParams } from "../../src/core/training/train.js";
import { loadCheckpoint, loadRun, runTraining, saveCheckpoint, writeManifest } from "../../src/io/runStore.js";
import { history, lossByTimestep, params, rejection, runWith } from "../support/checkpointRun.js";
import { divergence, FakeEngine, smallConfig } from "../support/fakeEngine.js";

describe("runStore", () => {
  let root = "";
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "chisel-run-store-test-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("saves checkpoints atomically and loads the last one by default", async () => {
    const dir = join(root, "run");
    await mkdir(dir);
    let { manifest } = await runWith(0, params);
    manifest = { ...manifest, checkpoints: [] };
    await writeManifest(dir, manifest);
    const later = params.map((p) => p * 0.5);
    const event = (step: number, weights: Float32Array) => ({
      step,
      params: weights,
      loss: 1,
      lossByTimestep,
      lossHistory: history,
    });
    manifest = await saveCheckpoint(dir, manifest, event(0, params));
    manifest = await saveCheckpoint(dir, manifest, event(250, later));
    expect((await readdir(dir)).sort()).toEqual(["manifest.json", "step-000000.f32", "step-000250.f32"]); // no temporaries left
    expect(await loadRun(dir)).toEqual(manifest);
    const last = await loadCheckpoint(dir);
    expect(last.step).toBe(250);
    expect(last.params).toEqual(later);
    expect((await loadCheckpoint(dir, 0)).params).toEqual(params);
    expect(new Uint8Array(await readFile(join(dir, "step-000250.f32")))).toEqual(encodeParams(later));

    // A crash while writing the next checkpoint leaves a temporary, never a half-listed file.
    await writeFile(join(dir, "step-000500.f32.1234.tmp"), new Uint8Array(10));
    expect((await loadCheckpoint(dir)).step).toBe(250);

    // A damaged weight file is refused, the other stays loadable.
    const bytes = new Uint8Array(await readFile(join(dir, "step-000250.f32")));
    await writeFile(join(dir, "step-000250.f32"), bytes.subarray(0, 400));
    expect(await rejection(loadCheckpoint(dir))).toMatch(/step-000250\.f32: 400 bytes, expected 151048 \(truncated\)/);
    expect((await loadCheckpoint(dir, 0)).params).toEqual(params);
    expect(await rejection(loadCheckpoint(dir, 100))).toBe("no checkpoint at step 100 (the run has: 0, 250)");
  });

  it("reports a missing or unreadable manifest as a CheckpointError", async () => {
    expect(await rejection(loadRun(join(root, "nowhere")))).toMatch(/manifest\.json: cannot read/);
    const dir = join(root, "garbled");
    await mkdir(dir);
    await writeFile(join(dir, "manifest.json"), "{not json");
    expect(await rejection(loadRun(dir))).toMatch(/manifest\.json: invalid JSON/);
  });
});

describe("runTraining", () => {
  let root = "";
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "chisel-run-training-test-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("leaves a run directory whose last good checkpoint loads (runTraining)", async () => {
    const config = smallConfig({ steps: 10, checkpoints: [0, 5] });
    const engine = new FakeEngine("fake", initialParams(config), { loss: (s) => (s === 7 ? NaN : 1), drift: 0.5 });
    const runDir = join(root, "diverged");
    const failed = runTraining({
      config,
      engine,
      runDir,
      command: "test",
      versions: { chisel: "0.1.0" },
      evalPoints: 4,
    });
    await divergence(failed);
    const manifest = await loadRun(runDir);
    expect(manifest).toMatchObject({
      status: "diverged",
      error: "training diverged at step 7: loss is NaN (last good checkpoint: step 5)",
    });
    expect(manifest.checkpoints.map((c) => c.step)).toEqual([0, 5]);
    const last = await loadCheckpoint(runDir);
    expect(last.step).toBe(5);
    expect(last.params).toEqual(engine.history[5]);
    // A second run into the same directory is refused unless asked to overwrite.
    await expect(runTraining({ config, engine, runDir, command: "test", versions: {} })).rejects.toThrow(
      /already holds a run/,
    );
  });

  it("records a completed run with every checkpoint and the engine's name", async () => {
    const config = smallConfig({ steps: 6, checkpoints: [0, 3], logEvery: 2 });
    const engine = new FakeEngine("fake-engine", initialParams(config), { loss: (s) => s, drift: 0.125 });
    const runDir = join(root, "completed");
    const { manifest, result } = await runTraining({
      config,
      engine,
      runDir,
      command: "chisel train",
      versions: { zod: "4" },
      evalPoints: 4,
    });
    expect(await loadRun(runDir)).toEqual(manifest);
    expect(manifest).toMatchObject({
      status: "completed",
      engine: "fake-engine",
      command: "chisel train",
      versions: { zod: "4" },
    });
    expect(manifest.lossHistory).toEqual({ steps: [2, 4, 6], loss: [1.5, 3.5, 5.5] });
    expect(manifest.checkpoints.map((c) => c.step)).toEqual([0, 3, 6]);
    expect((await loadCheckpoint(runDir, 3)).params).toEqual(engine.history[3]);
    expect((await loadCheckpoint(runDir)).params).toEqual(result.params);
  });
});
