import { readFile, stat } from "node:fs/promises";
import { UsageError } from "./flags.js";

/** Reads and parses a JSON file named by a flag; any problem is a one-line UsageError naming the flag. */
export async function readJsonFile(flag: string, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`--${flag} ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0]}`);
  }
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
