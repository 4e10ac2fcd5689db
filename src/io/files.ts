/**
 * The two ways chisel writes a file. A file that replaces another goes to a hidden temporary sibling
 * and is renamed over it, so an interrupted write never leaves half a file where a good one stood; a
 * file inside a folder that is published whole (renamed into place afterwards) is written once and
 * flushed. Both flush before they return, so a rename that follows never exposes unwritten bytes.
 */
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MAX_OUTPUT_BYTES } from "../core/cost.js";

/** Creates `path` (refusing one that exists) with `data`, flushed to disk. */
export async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const file = await open(path, "wx");
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Replaces `path` with `data` in one rename; the temporary is removed if anything fails. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    await writeSynced(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The largest file of each kind chisel reads: a file past its limit is refused, not read to the end. */
export const READ_LIMITS = {
  /** Training and report configs, and small text files of the project (package.json, the report page template). */
  config: 1 << 20,
  /** A run's manifest.json, which lists every checkpoint and the loss log. */
  manifest: 16 << 20,
  /** A report's report.json, a shard's record (about 35 kB a run), and each file a report publishes. */
  report: 64 << 20,
  /**
   * A points file (CSV or JSON) for evaluate: as large as the largest JSON chisel writes (a sample with
   * its trajectory), so whatever `chisel sample` wrote, evaluate reads. parsePoints then takes at most
   * 100,000 points (MAX_POINTS).
   */
  points: MAX_OUTPUT_BYTES,
  /** An .onnx model: the default MLP takes about 150 kB, the widest a config allows (8 layers of 1,024) 28.2 MB. */
  onnx: 64 << 20,
  /** One checkpoint's weights, 28.2 MB at most as for onnx; the run store also checks the manifest's exact size first. */
  weights: 64 << 20,
} as const;

export type ReadLimit = keyof typeof READ_LIMITS;

/** "1 MB", "64 MB": a limit as a reader states it. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${+(bytes / (1 << 30)).toFixed(1)} GB`;
  if (bytes >= 1 << 20) return `${+(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${+(bytes / (1 << 10)).toFixed(1)} kB`;
  return `${bytes} bytes`;
}

/** A file that cannot be read as asked: its message is one line naming the path's problem and the limit. */
export class FileLimitError extends Error {
  override name = "FileLimitError";
}

/**
 * Reads a regular file of at most `READ_LIMITS[kind]` bytes. Anything else is refused before it is read:
 * a FIFO (opening one with no writer blocks forever), a device (/dev/zero never ends), a socket, a folder,
 * and a file past the limit. The size is checked while reading too, since /proc files report 0 and a file
 * may grow after stat. Errors from the file system (a missing file) pass through unchanged.
 */
export async function readBoundedFile(path: string | URL, kind: ReadLimit): Promise<Uint8Array> {
  const limit = READ_LIMITS[kind];
  const info = await stat(path);
  if (info.isDirectory()) throw new FileLimitError("is a folder, not a file");
  if (!info.isFile()) {
    throw new FileLimitError(`not a regular file (a device, FIFO or socket); chisel reads only files, of at most ${describeBytes(limit)} for ${kind} files`);
  }
  const tooLarge = () => new FileLimitError(`larger than the ${describeBytes(limit)} limit for ${kind} files`);
  if (info.size > limit) throw tooLarge();
  const file = await open(path, "r");
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, limit + 1 - total));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge();
      chunks.push(chunk.subarray(0, bytesRead));
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  } finally {
    await file.close();
  }
}

/** readBoundedFile as UTF-8 text. */
export async function readBoundedText(path: string | URL, kind: ReadLimit): Promise<string> {
  return new TextDecoder().decode(await readBoundedFile(path, kind));
}
