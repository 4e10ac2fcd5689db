import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configHash, parseTrainConfig } from "../../src/core/training/config.js";
import { ensureRun, runDirFor } from "../../src/io/runCache.js";
import { holdNewFolder, siblingPath } from "../../src/io/reports/publish.js";

describe("the run cache", () => {
  const runsDir = mkdtempSync(join(tmpdir(), "chisel-runs-"));
  const config = parseTrainConfig({ training: { steps: 30, batch: 64 }, dataset: { n: 256 } });

  it("trains a missing run once, then reuses it", async () => {
    const first = await ensureRun(config, { runsDir });
    expect(first.trained).toBe(true);
    expect(first.dir).toBe(await runDirFor(config, runsDir));
    const manifest = readFileSync(join(first.dir, "manifest.json"), "utf8");
    const second = await ensureRun(config, { runsDir });
    expect(second).toEqual({ dir: first.dir, trained: false });
    expect(readFileSync(join(first.dir, "manifest.json"), "utf8")).toBe(manifest);
    expect(readdirSync(runsDir).filter((name) => name.includes("partial"))).toEqual([]);
  });

  it("removes the unfinished runs of dead builds, never one a live build is training", async () => {
    const dead = siblingPath(join(runsDir, "0".repeat(16)), "partial");
    mkdirSync(dead);
    writeFileSync(join(dead, "manifest.json"), '{"format": "chisel-run", "status": "running"}');
    const live = await holdNewFolder(siblingPath(join(runsDir, "1".repeat(16)), "partial"));
    try {
      expect(await ensureRun(config, { runsDir })).toMatchObject({ trained: false });
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live.path)).toBe(true);
    } finally {
      live.release();
    }
    await ensureRun(config, { runsDir });
    expect(readdirSync(runsDir).filter((name) => name.includes("partial"))).toEqual([]);
  });

  it("keys runs by what changes the weights", async () => {
    const other = parseTrainConfig({ training: { steps: 30, batch: 64, seed: 1 }, dataset: { n: 256 } });
    expect(await runDirFor(other, runsDir)).not.toBe(await runDirFor(config, runsDir));
    const explicit = parseTrainConfig({ training: { steps: 30, batch: 64 }, dataset: { n: 256 }, backend: "fused-wasm" });
    expect(await runDirFor(explicit, runsDir)).toBe(await runDirFor(config, runsDir));
  });

  it("replaces an unfinished run instead of trusting it", async () => {
    const config3 = parseTrainConfig({ training: { steps: 20, batch: 32 }, dataset: { n: 128 } });
    const dir = await runDirFor(config3, runsDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "manifest.json"), '{"format": "chisel-run", "status": "running"');
    const result = await ensureRun(config3, { runsDir });
    expect(result.trained).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).status).toBe("completed");
  });

  it("retrains a completed run of another config found in a config's folder instead of trusting it", async () => {
    const wanted = parseTrainConfig({ training: { steps: 20, batch: 32, seed: 5 }, dataset: { n: 128 } });
    const other = parseTrainConfig({ training: { steps: 20, batch: 32, seed: 6 }, dataset: { n: 128 } });
    const dir = await runDirFor(wanted, runsDir);
    // What `chisel train --out data/runs/KEY --overwrite` with other settings leaves there.
    const foreign = await ensureRun(other, { runsDir });
    cpSync(foreign.dir, dir, { recursive: true });
    const result = await ensureRun(wanted, { runsDir });
    expect(result).toEqual({ dir, trained: true });
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.config.training.seed).toBe(5);
    expect(manifest.configHash).toBe(await configHash({ ...wanted, backend: "fused-wasm" }));
    // A manifest edited to claim the key's hash is no more trusted than one that does not.
    const edited = { ...manifest, config: { ...manifest.config, training: { ...manifest.config.training, seed: 7 } } };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(edited));
    expect((await ensureRun(wanted, { runsDir })).trained).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).config.training.seed).toBe(5);
  });
});
