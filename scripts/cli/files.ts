import { stat } from "node:fs/promises";
import { readBoundedText, type ReadLimit } from "../../src/io/files.js";
import { UsageError } from "./flags.js";

/**
 * Reads a text file named by a flag, refusing anything but a regular file within READ_LIMITS[kind]
 * before reading it; any problem is a one-line UsageError naming the flag.
 */
export async function readFlagFile(flag: string, path: string, kind: ReadLimit): Promise<string> {
  try {
    return await readBoundedText(path, kind);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0].replace(/^[A-Z]+: /, "");
    throw new UsageError(`--${flag} ${path}: ${reason}`);
  }
}

/** Reads and parses a JSON file named by a flag (a config, at most READ_LIMITS.config); any problem is one UsageError line naming the flag. */
export async function readJsonFile(flag: string, path: string): Promise<unknown> {
  const text = await readFlagFile(flag, path, "config");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Checks a flag that names a folder, before any work: a missing one is fine (it will be made), anything
 * but a folder is one UsageError line naming the flag. `why` says what the folder is for.
 */
export async function checkFolderFlag(flag: string, path: string, why = ""): Promise<"missing" | "folder"> {
  const found = await stat(path).catch((error) => {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") return undefined;
    throw new UsageError(`--${flag} ${path}: ${code === "ENOTDIR" ? "lies under a file, not a folder" : (error as Error).message.split("\n")[0]}`);
  });
  if (found === undefined) return "missing";
  if (!found.isDirectory()) throw new UsageError(`--${flag} ${path}: not a folder${why}`);
  return "folder";
}
