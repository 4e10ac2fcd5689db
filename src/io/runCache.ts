/**
 * Trained runs cached by the hash of their training config, under data/runs/<hash prefix>/. A build or
 * report that needs a model asks for its config: a completed run is reused, a missing one is trained
 * into a temporary directory (`.KEY.<uuid>.partial`, held while it trains) and published in place only
 * when complete (reports/publish.ts), so an interrupted build never leaves a half-trained run where a
 * good one is expected, and the next call removes what dead builds left.
 */
import { fileURLToPath } from "node:url";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { configHash, type TrainConfig } from "../core/training/config.js";
import { MANIFEST_FILE } from "../core/training/checkpoint.js";
import type { ProgressEvent } from "../core/training/train.js";
import { createTrainEngine, DEFAULT_TRAIN_BACKEND } from "../engines/trainEngines.js";
import { assertInsideRunFolder } from "./confine.js";
import { type DatasetFile, resolveDataset } from "./datasetFile.js";
import { holdNewFolder, publishDir, siblingPath, sweepPublished } from "./reports/publish.js";
import { loadRun, runTraining } from "./runStore.js";
import { runtimeVersions } from "./versions.js";

export const RUNS_DIR = fileURLToPath(new URL("../../data/runs/", import.meta.url));
/** Hex digits of the config hash that name a run directory (64 bits: collisions are not a concern). */
const PREFIX = 16;

/** The cache directory of a config (its backend made explicit, as the CLI does). */
export async function runDirFor(config: TrainConfig, runsDir = RUNS_DIR): Promise<string> {
  const explicit = { ...config, backend: config.backend ?? DEFAULT_TRAIN_BACKEND };
  return join(runsDir, (await configHash(explicit)).slice(0, PREFIX));
}

/**
 * What the cache folder of a config holds: a completed run of exactly that config, nothing usable (no
 * run, an unfinished or unreadable one), or a run of another config, put there by hand (`chisel train
 * --out data/runs/KEY --overwrite`) or edited since. Only the first is trusted.
 */
async function cachedRun(dir: string, hash: string): Promise<"usable" | "missing" | "foreign"> {
  let manifest;
  try {
    manifest = await loadRun(dir);
  } catch (error) {
    // A run we may not read (a denied path, a link out of the folder) is no reason to train over it.
    const name = (error as Error).name;
    if (name === "NotCapable" || name === "PermissionDenied" || (error as { code?: string }).code === "EACCES") throw error;
    return "missing";
  }
  if (manifest.configHash !== hash || (await configHash(manifest.config)) !== hash) return "foreign";
  return manifest.status === "completed" ? "usable" : "missing";
}

export interface EnsureRunOptions {
  runsDir?: string;
  command?: string;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * The directory of a completed run of `config`, training it first when the cache has none. A dataset
 * file is read first (project-relative, datasetFile.ts): the cache keys on its content, and its points
 * come back for whatever scores the run against them.
 */
export async function ensureRun(
  config: TrainConfig,
  options: EnsureRunOptions = {},
): Promise<{ dir: string; trained: boolean; file?: DatasetFile }> {
  const runsDir = options.runsDir ?? RUNS_DIR;
  const { dataset, file } = await resolveDataset(config.dataset);
  const explicit = { ...config, dataset, backend: config.backend ?? DEFAULT_TRAIN_BACKEND };
  const hash = await configHash(explicit);
  const dir = await runDirFor(explicit, runsDir);
  // Unfinished runs of builds that died, and runs a replacement left aside.
  sweepPublished(runsDir, MANIFEST_FILE);
  const cached = await cachedRun(dir, hash);
  if (cached === "usable") return { dir, trained: false, file };
  if (cached === "foreign") {
    console.warn(`chisel: ${dir} holds a run of another config than the one keyed ${hash.slice(0, PREFIX)}: training the right one in its place`);
  }
  const temporary = siblingPath(dir, "partial");
  // Before making it, as a folder made through a link would land elsewhere.
  await assertInsideRunFolder(temporary, runsDir);
  const held = await holdNewFolder(temporary);
  try {
    const engine = await createTrainEngine(explicit);
    try {
      await runTraining({
        config: explicit,
        engine,
        runDir: temporary,
        within: runsDir,
        command: options.command ?? "ensureRun (src/io/runCache.ts)",
        versions: await runtimeVersions(engine.name),
        onProgress: options.onProgress,
        filePoints: file?.points,
      });
    } finally {
      await engine.dispose();
    }
    // Another build may have finished the same run meanwhile: keep the first, drop ours.
    if ((await cachedRun(dir, hash)) === "usable") await rm(temporary, { recursive: true, force: true });
    else await publishDir(temporary, dir);
    return { dir, trained: true, file };
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  } finally {
    held.release();
  }
}
