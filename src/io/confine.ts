/**
 * Deno's --allow-write=DIR checks a path as written, not where its symlinks lead, so a link inside the
 * runs folder would let a write land anywhere. Writers of runs resolve the real path first and refuse
 * one that leaves the real runs folder.
 */
import { readlink, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Links followed at most while resolving one path (the kernel's own limit is 40). */
const MAX_LINKS = 40;

/**
 * `path` with every symlink resolved, though it may not exist yet: the missing tail is kept as written.
 * A dangling link is followed too, since creating a file through it creates the file where it points.
 */
export async function realPathOf(path: string): Promise<string> {
  const tail: string[] = [];
  let current = resolve(path);
  for (let links = 0;;) {
    try {
      return join(await realpath(current), ...tail.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const target = await readlink(current).catch(() => undefined);
    if (target !== undefined) {
      if (++links > MAX_LINKS) throw new Error(`${path}: too many levels of symbolic links`);
      // The target is relative to where the link really sits, so ".." climbs from there, as the kernel does.
      current = resolve(await realPathOf(dirname(current)), target);
      continue;
    }
    const parent = dirname(current);
    if (parent === current) return join(current, ...tail.reverse());
    tail.push(basename(current));
    current = parent;
  }
}

/**
 * Throws, in one line, unless `path` (symlinks resolved) lies inside the run folder `folder` (same). A
 * path that cannot be resolved (a link into a place the process may not read) is refused as well.
 */
export async function assertInsideRunFolder(path: string, folder: string): Promise<void> {
  const realFolder = await realPathOf(folder);
  const real = await realPathOf(path).catch((error: Error) => {
    const why = error.message.split("\n")[0];
    throw new Error(`${path}: cannot tell where it leads (${why}), so refusing to write there (run folder ${folder})`);
  });
  const rel = relative(realFolder, real);
  if (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return;
  throw new Error(`${path} leads to ${real}, outside the run folder ${folder}: refusing to write there`);
}
