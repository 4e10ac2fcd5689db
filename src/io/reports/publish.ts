/**
 * Publishing a folder atomically: it is built complete under a temporary name, then swapped in for the
 * published one with renames, which never mix the files of two versions. A reader sees the old folder
 * or the new one, never half of each.
 *
 * POSIX cannot rename a folder over a non-empty one, so the swap is two renames: the old folder aside,
 * the new one in, then the old one deleted. Between the two renames the name is briefly absent; a process
 * killed right there leaves the old folder aside as `.NAME.<uuid>.old`, and recoverDir puts it back.
 * Two publishers of the same name each build in their own temporary folder; when one's folder lands
 * between the other's two renames, the other's rename in fails and it simply swaps again: the last
 * writer wins, and each version is whole.
 */
import { readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Swaps attempted before giving up when other publishers keep landing in between. */
const MAX_ATTEMPTS = 20;

function code(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** A sibling of `target` that directory listings of published names skip (a leading dot). */
export function siblingPath(target: string, suffix: string): string {
  return join(dirname(target), `.${basename(target)}.${crypto.randomUUID()}.${suffix}`);
}

/** Replaces `target` by the complete folder `built` (which is consumed); see the module comment. */
export async function publishDir(built: string, target: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const aside = siblingPath(target, "old");
    let moved = false;
    try {
      await rename(target, aside);
      moved = true;
    } catch (error) {
      if (code(error) !== "ENOENT") throw error;
    }
    try {
      await rename(built, target);
    } catch (error) {
      const raced = code(error) === "ENOTEMPTY" || code(error) === "EEXIST";
      if (!raced || attempt >= MAX_ATTEMPTS) {
        // Nothing took the name: put the old folder back rather than leave the name empty.
        if (moved) await rename(aside, target).catch(() => {});
        throw error;
      }
      // Another publisher's folder now holds the name, and ours replaces it on the next pass.
      if (moved) await rm(aside, { recursive: true, force: true });
      continue;
    }
    if (moved) await rm(aside, { recursive: true, force: true });
    return;
  }
}

/**
 * Puts back a folder left aside by a publisher that died between its two renames, when `target` is
 * missing and a complete old copy (one holding `marker`) exists. Returns whether it did.
 */
export async function recoverDir(target: string, marker: string): Promise<boolean> {
  if (await stat(target).then(() => true, () => false)) return false;
  const prefix = `.${basename(target)}.`;
  const candidates: { path: string; mtime: number }[] = [];
  for (const name of await readdir(dirname(target)).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith(".old")) continue;
    const path = join(dirname(target), name);
    const info = await stat(join(path, marker)).catch(() => undefined);
    if (info) candidates.push({ path, mtime: info.mtimeMs });
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) return false;
  try {
    await rename(newest.path, target);
    return true;
  } catch {
    return false; // another process published or recovered meanwhile
  }
}
