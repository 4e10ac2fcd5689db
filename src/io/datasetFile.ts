/**
 * Points files as datasets: read within READ_LIMITS.points, hashed (SHA-256 of the bytes, which the run
 * records and the config hash keys on), parsed and normalised (core/userData.ts).
 *
 * A file a config names (`"dataset": {"file": "data/datasets/heart.csv"}`) is a path relative to the
 * project root, wherever the config lies and whatever the working folder, and must stay inside the
 * project once symlinks are resolved: a config from elsewhere (a shared report config, a run directory's
 * manifest) cannot make chisel read, or quote in an error, a file outside it. A file named on the
 * command line (--data) is the user's own choice and is read where it lies.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { sha256Hex } from "../core/hash.js";
import type { ReportConfig, RunPlan } from "../core/reports/config.js";
import { isFileDataset, type TrainConfig } from "../core/training/config.js";
import { parseUserData, type UserData } from "../core/userData.js";
import { realPathOf } from "./confine.js";
import { readBoundedFile } from "./files.js";
import { PROJECT_ROOT } from "./reports/provenance.js";

export interface DatasetFile extends UserData {
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
  bytes: number;
}

/** Why a points file cannot be used, in one line that starts with the file's path. */
export class DatasetFileError extends Error {
  override name = "DatasetFileError";
}

/** Reads, hashes, parses and normalises a points file; any problem is a DatasetFileError "PATH: reason". */
export async function readDatasetFile(path: string): Promise<DatasetFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedFile(path, "points");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0].replace(/^[A-Z]+: /, "");
    throw new DatasetFileError(`${path}: ${reason}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetFileError(`${path}: not UTF-8 text (a CSV of x,y rows or a JSON [[x, y], …] is)`);
  }
  try {
    return { ...parseUserData(text), sha256: await sha256Hex(bytes), bytes: bytes.length };
  } catch (error) {
    throw new DatasetFileError(`${path}: ${(error as Error).message}`);
  }
}

/** The absolute path of a config's dataset.file: relative to `root`, refused unless it stays inside it. */
export async function configDatasetPath(file: string, root = PROJECT_ROOT): Promise<string> {
  const path = resolve(root, file);
  const realRoot = await realPathOf(root);
  const real = await realPathOf(path).catch((error: Error) => {
    throw new DatasetFileError(`${file}: cannot tell where it leads (${error.message.split("\n")[0]})`);
  });
  const rel = relative(realRoot, real);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new DatasetFileError(`${file}: lies outside the project folder ${root}; a config reads points files inside it only`);
  }
  return path;
}

/**
 * A config's dataset with its file read: the section with sha256 filled in, and the file's points. A
 * config that pins sha256 must find the same content. `path` reads the file from elsewhere than the
 * config's own (project-relative, confined) path: what --data gives.
 */
export async function resolveDataset(
  dataset: TrainConfig["dataset"],
  options: { path?: string; root?: string } = {},
): Promise<{ dataset: TrainConfig["dataset"]; file?: DatasetFile }> {
  if (!isFileDataset(dataset)) return { dataset };
  const path = options.path ?? await configDatasetPath(dataset.file, options.root);
  const file = await readDatasetFile(path).catch((error: Error) => {
    // The config's own words for the path, not the absolute one it resolved to.
    throw new DatasetFileError(error.message.startsWith(`${path}: `) ? `${dataset.file}: ${error.message.slice(path.length + 2)}` : error.message);
  });
  if (dataset.sha256 !== undefined && dataset.sha256 !== file.sha256) {
    throw new DatasetFileError(
      `${dataset.file}: its SHA-256 is ${file.sha256.slice(0, 12)}…, the config pins ${dataset.sha256.slice(0, 12)}…: the file changed since (drop dataset.sha256 to train on it as it is now)`,
    );
  }
  return { dataset: { ...dataset, sha256: file.sha256 }, file };
}

/**
 * A report config with every run's dataset file read and its SHA-256 filled in, so what keys on the
 * runs' training configs (the report's hash, its shards) keys on the files' content. Fails, in one line,
 * on the first file that cannot be read or no longer matches a pinned sha256.
 */
export async function pinReportDatasets(config: ReportConfig, root?: string): Promise<ReportConfig> {
  const pin = async (train: TrainConfig): Promise<TrainConfig> => ({ ...train, dataset: (await resolveDataset(train.dataset, { root })).dataset });
  const runs: RunPlan[] = [];
  for (const run of config.runs) runs.push({ ...run, train: await pin(run.train) });
  return { ...config, train: await pin(config.train), runs };
}
