/**
 * The two ways chisel writes a file. A file that replaces another goes to a hidden temporary sibling
 * and is renamed over it, so an interrupted write never leaves half a file where a good one stood; a
 * file inside a folder that is published whole (renamed into place afterwards) is written once and
 * flushed. Both flush before they return, so a rename that follows never exposes unwritten bytes.
 */
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

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
