/**
 * --data FILE: the user's own 2D points (a CSV of x,y rows or a JSON [[x, y], …]) in place of a built-in
 * dataset, for train (what it trains on), sample and quality (the oracle's data, the reference), and
 * evaluate (the reference). Read, hashed and normalised by io/datasetFile.ts, as a config's dataset.file is.
 */
import { describeBytes, READ_LIMITS } from "../../src/io/files.js";
import { type DatasetFile, readDatasetFile } from "../../src/io/datasetFile.js";
import { HALF_WIDTH, USER_DATA_LIMITS } from "../../src/core/userData.js";
import type { StringSpec } from "./flags.js";
import { UsageError } from "./flags.js";

/** The limits a --data file is held to, as --help states them. */
const LIMITS = `${USER_DATA_LIMITS}, at most ${describeBytes(READ_LIMITS.points)}; centred and scaled into ±${HALF_WIDTH}`;

/** The --data flag of a command, whose use of the points `what` says. */
export function dataFlag(what: string): StringSpec {
  return { type: "string", help: `a points file (CSV x,y rows with an optional header, or JSON [[x, y], …]) ${what} (${LIMITS})` };
}

/** Reads --data; any problem (missing, too big, a bad row, too few points) is one UsageError line. */
export async function readDataFlag(path: string, flag = "data"): Promise<DatasetFile> {
  try {
    return await readDatasetFile(path);
  } catch (error) {
    throw new UsageError(`--${flag} ${(error as Error).message.split("\n")[0]}`);
  }
}

/** What a command's JSON says of the points it read: where from, their hash, how many, how normalised. */
export function describeData(path: string, file: DatasetFile) {
  return { file: path, sha256: file.sha256, format: file.format, n: file.points.length / 2, normalisation: file.normalisation };
}
