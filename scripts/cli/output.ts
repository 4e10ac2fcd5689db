/**
 * Writes a command's JSON. Files are written to a temporary sibling and renamed into place, so an
 * interrupted or failed run never leaves a half-written file where a good one stood. Every problem
 * with the file is one UsageError line that names the flag: checked before the command runs, so no
 * work is lost to a path that could never be written, and again when writing.
 */
import { access, constants, lstat, open, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { MANIFEST_FILE } from "../../src/core/training/checkpoint.js";
import { REPORT_FILE } from "../../src/io/reports/read.js";
import { writeFileAtomic } from "../../src/io/files.js";
import { firstNonFinite } from "../../src/core/validation.js";
import { UsageError } from "./flags.js";

/** Why a file could not be written, in a few words, from the error Node or Deno threw. */
function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const words: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EROFS: "read-only file system",
    ENOENT: "no such file or folder",
  };
  return words[code ?? ""] ?? (error as Error).message.split("\n")[0].replace(/^[A-Z]+: /, "");
}

/**
 * What stands at `path` for an output file: nothing or a regular file (replaced atomically), or a
 * device or pipe such as /dev/null (written in place: renaming over it would replace the device).
 * Throws a one-line UsageError naming `--flag` for a directory, a missing folder, or a folder that is a
 * run's or a published report's.
 */
export async function checkOutPath(flag: string, path: string): Promise<"file" | "device"> {
  const where = `--${flag} ${path}`;
  const folder = dirname(path);
  // A missing path (or one under a file, ENOTDIR) is fine so far: its folder is checked below.
  const absent = (error: unknown) => ["ENOENT", "ENOTDIR"].includes((error as { code?: string }).code ?? "");
  const cannot = (error: unknown): never => {
    throw new UsageError(`${where}: cannot write (${reason(error)})`);
  };
  // A rename would replace the link itself and leave its target as it was (/dev/stdout is a link too).
  const link = await lstat(path).catch((error) => absent(error) ? undefined : cannot(error));
  if (link?.isSymbolicLink()) throw new UsageError(`${where}: is a link; name the file itself (leave --${flag} out to print to stdout)`);
  const found = await stat(path).catch((error) => absent(error) ? undefined : cannot(error));
  if (found?.isDirectory()) throw new UsageError(`${where}: is a directory`);
  if (found && !found.isFile()) {
    if (!found.isCharacterDevice() && !found.isFIFO()) throw new UsageError(`${where}: is neither a file, a character device nor a pipe`);
    return "device";
  }
  const parent = await stat(folder).catch((error) => absent(error) ? undefined : cannot(error));
  if (!parent) throw new UsageError(`${where}: no such folder ${folder}`);
  if (!parent.isDirectory()) throw new UsageError(`${where}: ${folder} is not a folder`);
  // A run's or a published report's files are its own: `export-onnx --out RUN/manifest.json` would replace
  // the run's manifest, and a file added to a report would be served as part of it.
  for (const [file, what] of [[MANIFEST_FILE, "a run folder"], [REPORT_FILE, "a published report"]]) {
    if (await stat(join(folder, file)).then(() => true, () => false)) {
      throw new UsageError(`${where}: ${folder} is ${what} (it holds ${file}), whose files chisel never overwrites or adds to; write elsewhere`);
    }
  }
  // The temporary sibling is created in the folder: it must take new files.
  await access(folder, constants.W_OK).catch(cannot);
  return "file";
}

/** Writes an output file named by `--flag` (see checkOutPath); any failure is one line naming the flag. */
export async function writeOutFile(flag: string, path: string, data: Uint8Array | string): Promise<void> {
  const kind = await checkOutPath(flag, path);
  try {
    if (kind === "file") await writeFileAtomic(path, data);
    else {
      const file = await open(path, "w");
      try {
        await file.writeFile(data);
      } finally {
        await file.close();
      }
    }
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: cannot write (${reason(error)})`);
  }
}

/**
 * Prints a command's JSON, or writes it to --out. A NaN or infinite number would be written as null
 * where the output promises a number: such a document fails with one line naming its JSON path
 * (exit 1), and nothing is written.
 */
export async function writeJson(document: unknown, out: string | undefined): Promise<void> {
  const bad = firstNonFinite(document);
  if (bad) {
    throw new Error(`the output's ${bad.path || "value"} is ${bad.value}, not a finite number: nothing was written (inputs too large, or a model that diverged?)`);
  }
  const text = JSON.stringify(document) + "\n";
  if (out === undefined) {
    await writeAllStdout(text);
    return;
  }
  await writeOutFile("out", out, text);
}

async function writeAllStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}
