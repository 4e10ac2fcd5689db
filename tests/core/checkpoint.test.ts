import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint, loadRun, saveCheckpoint, writeManifest } from "../../src/io/runStore.js";
import { initMlpParams, mlpLayout } from "../../src/core/mlp.js";
import {
  checkpointEntry,
  CheckpointError,
  checkpointFileName,
  createManifest,
  decodeCheckpoint,
  encodeParams,
  parseManifest,
  type RunManifest,
  withCheckpoint,
} from "../../src/core/training/checkpoint.js";
import { parseTrainConfig } from "../../src/core/training/config.js";

const config = parseTrainConfig({ training: { steps: 500 } });
const params = initMlpParams(0);
const lossByTimestep = [{ from: 0, to: 1000, loss: 1.25 }];
const history = { steps: [10, 20], loss: [1.5, 1.25] };

async function runWith(step: number, weights: Float32Array, base?: RunManifest) {
  const manifest = base ?? await createManifest({
    config,
    engine: "fake",
    versions: { chisel: "0.1.0" },
    command: "chisel train --steps 500",
    created: new Date("2025-01-02T03:04:05Z"),
  });
  const bytes = encodeParams(weights);
  return {
    bytes,
    manifest: withCheckpoint(manifest, await checkpointEntry(step, bytes, 1.25, lossByTimestep), history),
  };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CheckpointError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  return message;
}

function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).not.toContain("\n");
    return (error as Error).message;
  }
  throw new Error("did not throw");
}

describe("encodeParams", () => {
  it("writes IEEE-754 float32, little-endian", () => {
    // 1 = 0x3F800000, −2 = 0xC0000000, 0.5 = 0x3F000000, lowest byte first.
    expect([...encodeParams(new Float32Array([1, -2, 0.5]))]).toEqual([0, 0, 128, 63, 0, 0, 0, 192, 0, 0, 0, 63]);
  });

  it("hashes those bytes with SHA-256", async () => {
    // hashlib.sha256(struct.pack("<3f", 1.0, -2.0, 0.5)).hexdigest()
    const entry = await checkpointEntry(7, encodeParams(new Float32Array([1, -2, 0.5])), 0, []);
    expect(entry).toEqual({
      step: 7,
      file: "step-000007.f32",
      bytes: 12,
      sha256: "2ce4bdb6b34a50ac7092eb9fee94337a27498e9eb9bae44192f15b88831b2422",
      loss: 0,
      lossByTimestep: [],
    });
  });

  it("names files by zero-padded step", () => {
    expect(checkpointFileName(250)).toBe("step-000250.f32");
    expect(checkpointFileName(1_000_000)).toBe("step-1000000.f32");
  });
});

describe("manifest and decodeCheckpoint", () => {
  it("round-trips the weights bit for bit and the manifest through JSON", async () => {
    const { bytes, manifest } = await runWith(250, params);
    expect(bytes.length).toBe(4 * 37762);
    const decoded = await decodeCheckpoint(manifest, 250, bytes);
    expect(decoded).toEqual(params);
    const reparsed = parseManifest(JSON.parse(JSON.stringify(manifest)));
    expect(reparsed).toEqual(manifest);
    expect(reparsed).toMatchObject({
      format: "chisel-run",
      version: 1,
      seed: 0,
      status: "running",
      created: "2025-01-02T03:04:05.000Z",
    });
    expect(await decodeCheckpoint(reparsed, 250, bytes)).toEqual(params);
  });

  it("decodes from a view into a larger buffer", async () => {
    const { bytes, manifest } = await runWith(0, params);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(await decodeCheckpoint(manifest, 0, padded.subarray(3))).toEqual(params);
  });

  it("refuses a truncated file, an extra byte and a flipped byte", async () => {
    const { bytes, manifest } = await runWith(250, params);
    expect(await rejection(decodeCheckpoint(manifest, 250, bytes.subarray(0, bytes.length - 4))))
      .toBe(`step-000250.f32: ${bytes.length - 4} bytes, expected ${bytes.length} (truncated)`);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(await rejection(decodeCheckpoint(manifest, 250, longer))).toMatch(/extra data/);
    const flipped = bytes.slice();
    flipped[1000] ^= 0x01;
    expect(await rejection(decodeCheckpoint(manifest, 250, flipped))).toMatch(
      /^step-000250\.f32: SHA-256 \w{12}… does not match/,
    );
  });

  it("refuses a step the manifest does not list", async () => {
    const { bytes, manifest } = await runWith(250, params);
    expect(await rejection(decodeCheckpoint(manifest, 500, bytes))).toBe(
      "no checkpoint at step 500 (the run has: 250)",
    );
  });

  it("refuses weights of another shape than config.model", async () => {
    // A run configured for 34-64-2 whose manifest lists a 34-128-128-128-2 file.
    const small = parseTrainConfig({ model: { hidden: [64] } });
    const manifest = await createManifest({ config: small, engine: "fake", versions: {}, command: "" });
    const bytes = encodeParams(params);
    const wrong = withCheckpoint(manifest, await checkpointEntry(0, bytes, 1, []), history);
    const needed = 4 * mlpLayout([34, 64, 2]).size;
    expect(await rejection(decodeCheckpoint(wrong, 0, bytes)))
      .toBe(`step-000000.f32: the manifest lists ${bytes.length} bytes, but a 34-64-2 network needs ${needed}`);
  });

  it("refuses a manifest whose config was edited after the fact", async () => {
    const { bytes, manifest } = await runWith(250, params);
    const edited = {
      ...manifest,
      config: { ...manifest.config, model: { ...manifest.config.model, hidden: [128, 128, 64] } },
    };
    expect(await rejection(decodeCheckpoint(edited, 250, bytes))).toMatch(/does not match its configHash/);
  });

  it("refuses another format or version", async () => {
    const { bytes, manifest } = await runWith(250, params);
    const json = JSON.parse(JSON.stringify(manifest));
    expect(thrown(() => parseManifest({ ...json, version: 2 }))).toBe(
      "manifest.version: this chisel reads version 1, got 2",
    );
    expect(thrown(() => parseManifest({ ...json, format: "other" }))).toBe(
      'manifest.format: must be "chisel-run", got "other"',
    );
    expect(thrown(() => parseManifest("text"))).toBe('manifest.format: must be "chisel-run", got nothing');
    const future = { ...manifest, version: 2 } as unknown as RunManifest;
    expect(await rejection(decodeCheckpoint(future, 250, bytes))).toMatch(
      /version 2, this chisel reads "chisel-run" version 1/,
    );
  });

  it("names the first bad field of a manifest", async () => {
    const { manifest } = await runWith(250, params);
    const json = JSON.parse(JSON.stringify(manifest));
    const broken = (edit: (m: typeof json) => void) => {
      const copy = structuredClone(json);
      edit(copy);
      return thrown(() => parseManifest(copy));
    };
    expect(broken((m) => (m.config.training.lr = 2))).toBe("manifest.config.training.lr: must be in (0, 1], got 2");
    expect(broken((m) => (m.checkpoints[0].file = "../../etc/passwd")))
      .toBe('manifest.checkpoints[0].file: must be a name like step-000250.f32, got "../../etc/passwd"');
    expect(broken((m) => (m.checkpoints[0].sha256 = "XYZ"))).toBe(
      'manifest.checkpoints[0].sha256: must be 64 lowercase hex digits, got "XYZ"',
    );
    expect(broken((m) => (m.extra = 1))).toMatch(/^manifest\.extra: unknown key \(allowed: format, version, status,/);
    expect(broken((m) => (m.lossHistory.loss = [1]))).toBe(
      "manifest.lossHistory: steps and loss must have equal lengths, got 2 and 1",
    );
    expect(broken((m) => (m.created = "yesterday"))).toBe(
      'manifest.created: must be an ISO 8601 date-time, got "yesterday"',
    );
  });
});

describe("runStore", () => {
  let root = "";
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "chisel-checkpoint-test-"));
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
