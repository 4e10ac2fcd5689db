import { readFile } from "node:fs/promises";
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
