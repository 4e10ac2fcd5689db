import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTrainConfig } from "../../src/core/training/config.js";
import { ensureRun } from "../../src/io/runCache.js";
import { readDatasetFile } from "../../src/io/datasetFile.js";

const root = new URL("../../", import.meta.url).pathname;

describe("the run cache with a dataset file", () => {
  const runsDir = mkdtempSync(join(tmpdir(), "chisel-file-runs-"));
  const config = parseTrainConfig({ dataset: { file: "data/datasets/heart.csv" }, training: { steps: 20, batch: 64 } });

  it("reads the file (project-relative), keys the run on its content and records its SHA-256", async () => {
    const sha256 = (await readDatasetFile(join(root, "data/datasets/heart.csv"))).sha256;
    const first = await ensureRun(config, { runsDir });
    expect(first.trained).toBe(true);
    expect(first.file?.sha256).toBe(sha256);
    expect(first.file?.points.length).toBe(800);
    const manifest = JSON.parse(readFileSync(join(first.dir, "manifest.json"), "utf8"));
    expect(manifest.config.dataset).toMatchObject({ file: "data/datasets/heart.csv", sha256 });
    // Pinning the same content finds the same run.
    const pinned = parseTrainConfig({ dataset: { file: "data/datasets/heart.csv", sha256 }, training: { steps: 20, batch: 64 } });
    expect(await ensureRun(pinned, { runsDir })).toMatchObject({ dir: first.dir, trained: false });
  });

  it("refuses a file whose content no longer matches the config's pin, training nothing", async () => {
    const stale = parseTrainConfig({ dataset: { file: "data/datasets/heart.csv", sha256: "0".repeat(64) }, training: { steps: 20, batch: 64 } });
    await expect(ensureRun(stale, { runsDir })).rejects.toThrow(/heart\.csv: its SHA-256 is [0-9a-f]{12}…, the config pins 000000000000…/);
  });
});
