/**
 * The default run: the spiral model every page shows, trained from data/configs/default.json. Its
 * checkpoints are committed under data/runs/, so a build only trains when that config changes.
 */
import { fileURLToPath } from "node:url";
import { parseTrainConfig, type TrainConfig } from "../core/training/config.js";
import { readBoundedText } from "./files.js";
import { ensureRun } from "./runCache.js";

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../data/configs/default.json", import.meta.url));

export async function readTrainConfig(path: string): Promise<TrainConfig> {
  return parseTrainConfig(JSON.parse(await readBoundedText(path, "config")));
}

/** The default run's directory and config, training it first if the cache lacks it. */
export async function defaultRun(): Promise<{ dir: string; config: TrainConfig }> {
  const config = await readTrainConfig(DEFAULT_CONFIG_PATH);
  const { dir } = await ensureRun(config, {
    command: `chisel train --config data/configs/default.json (via src/io/defaultRun.ts)`,
  });
  return { dir, config };
}
