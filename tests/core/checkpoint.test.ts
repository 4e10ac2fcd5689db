import { describe, expect, it } from "vitest";
import { mlpLayout } from "../../src/core/mlp.js";
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
import { history, params, rejection, runWith } from "../support/checkpointRun.js";

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

  it.each([NaN, Infinity, -Infinity])("refuses hashed weights holding %s, naming the first such parameter", async (bad) => {
    const weights = params.slice();
    weights[1234] = bad;
    weights[5000] = NaN;
    // The SHA-256 matches: these are the bytes training wrote, and they would sample NaN.
    const { bytes, manifest } = await runWith(250, weights);
    expect(await rejection(decodeCheckpoint(manifest, 250, bytes)))
      .toBe(`step-000250.f32: weights contain ${bad} at parameter index 1234; the run diverged`);
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
    expect(broken((m) => (m.config.training.lr = 2))).toBe("manifest.config.training.lr: must be a number in (0, 1], got 2");
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
