/**
 * Publishing a folder atomically: it is built complete under a temporary name, then swapped in for the
 * published one with renames, which never mix the files of two versions. A reader sees the old folder
 * or the new one, never half of each. Reports, their shards and the run cache all publish this way.
 *
 * POSIX cannot rename a folder over a non-empty one, so the swap is two renames: the old folder aside,
 * the new one in, then the old one deleted. Two publishers of the same name each build in their own
 * temporary folder; when one's folder lands between the other's two renames, the other's rename in fails
 * and it simply swaps again: the last writer wins, and each version is whole.
 *
 * Every temporary is named `.NAME.<uuid>.<kind>` beside NAME (siblingPath), and a sweep (sweepPublished),
 * which publishers and readers run first, acts on such names only, by kind:
 *
 * - `.tmp` (a report build), `.partial` (a run in training): a folder a process is building. Its builder
 *   holds an exclusive lock on it (holdNewFolder) for as long as it lives, and the kernel drops the lock
 *   when the process ends, however it ends (SIGKILL included): a sweep removes the folder only when it
 *   can take the lock itself. Not a pid: Deno may probe a pid only with --allow-run, which neither the
 *   CLI nor the site's loaders have, pids are reused, and on a folder shared between machines another
 *   machine's pid means nothing. Not an age: a build writes nothing into its folder while a run trains,
 *   for hours in a large sweep, so any threshold either deletes live builds or keeps dead ones for
 *   hours. Where a lock cannot be tested (Node, which runs the site's config, has no flock; a file
 *   system without locks), the sweep keeps the folder.
 * - `.old`: a published version set aside by a swap. With NAME present it is garbage. With NAME missing,
 *   its publisher stopped between its two renames. The copy shares the uuid of the folder being
 *   swapped in (asidePath), so the sweep can tell: that folder held means a live publisher, which is
 *   left to finish undisturbed; unheld, its publisher is dead, and as a publisher only swaps in a
 *   complete folder, the sweep completes the publish with it; with no such folder, the newest complete
 *   copy (holding the marker file) is put back. Where the lock cannot be tested (Node), the copy is put
 *   back, which is safe even if its publisher lives: that publisher's rename in fails as if another
 *   publisher had landed, and it swaps again. Either way NAME is only ever filled when missing, and by
 *   one rename, so a sweep never replaces a published folder or mixes two versions.
 * - `.del`: a folder being deleted. Copies are renamed so before they are removed, so a half-deleted
 *   folder is never taken for a complete `.old`. Removed.
 */
import { type Dirent, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** Swaps attempted before giving up when other publishers keep landing in between. */
const MAX_ATTEMPTS = 20;

/** A name siblingPath makes: the published name, the uuid, the kind. */
const LEFTOVER = /^\.(.+)\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([a-z]+)$/;

function code(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** A sibling of `target` that directory listings of published names skip (a leading dot). */
export function siblingPath(target: string, suffix: string): string {
  return join(dirname(target), `.${basename(target)}.${crypto.randomUUID()}.${suffix}`);
}

/** A folder this process is building, locked until released so that no sweep takes it for a dead one's. */
export interface HeldFolder {
  path: string;
  /** Drops the lock: call once the folder is published or removed, not before. */
  release(): void;
}

/**
 * Creates the folder `path` (a siblingPath) and locks it for as long as this process holds it. A sweep
 * tests the lock without waiting and removes the folder while holding it, so one that found the folder
 * unlocked between this mkdir and this lock has removed it by the time the lock is ours: then the folder
 * is made again.
 */
export async function holdNewFolder(path: string): Promise<HeldFolder> {
  for (;;) {
    await mkdir(path, { recursive: true });
    const file = await Deno.open(path, { read: true }).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    });
    if (file === undefined) continue;
    // A file system without locks: the folder stays unlocked, and sweeps, unable to lock it either, keep it.
    const locked = await file.lock(true).then(() => true, () => false);
    const [held, there] = await Promise.all([file.stat(), Deno.stat(path).catch(() => undefined)]);
    if (!locked || (there !== undefined && there.ino === held.ino && there.dev === held.dev)) {
      return { path, release: () => file.close() };
    }
    file.close();
  }
}

/**
 * Where publishDir sets `target` aside: `.NAME.<uuid>.old` with the uuid of `built` when that is a
 * siblingPath of `target`, so a sweep can tell a live publisher's copy (its built folder held) from a
 * dead one's.
 */
export function asidePath(built: string, target: string): string {
  const match = LEFTOVER.exec(basename(built));
  const sibling = match !== null && match[1] === basename(target) && resolve(dirname(built)) === resolve(dirname(target));
  return sibling ? join(dirname(target), `.${match[1]}.${match[2]}.old`) : siblingPath(target, "old");
}

/** Renames `path` to a `.del` sibling of `target`, then removes it; does nothing if `path` is gone. */
async function discard(path: string, target: string): Promise<void> {
  const trash = siblingPath(target, "del");
  if (await rename(path, trash).then(() => true, () => false)) await rm(trash, { recursive: true, force: true });
}

/** Replaces `target` by the complete folder `built` (which is consumed); see the module comment. */
export async function publishDir(built: string, target: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const aside = asidePath(built, target);
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
      // Another publisher's folder (or one a sweep restored) now holds the name; ours replaces it next pass.
      if (moved) await discard(aside, target);
      continue;
    }
    if (moved) await discard(aside, target);
    return;
  }
}

export interface SweepResult {
  /** Names whose interrupted publish was completed, or whose previous copy was put back. */
  recovered: string[];
  /** Names missing, with a copy to put back, that this process may not write (the site's data loaders). */
  interrupted: string[];
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may write in `dir` without asking: Deno's loaders may not; Node asks no one. */
function mayWrite(dir: string): boolean {
  return typeof Deno === "undefined" || Deno.permissions.querySync({ name: "write", path: dir }).state === "granted";
}

/** discard, synchronously. */
function discardSync(path: string, target: string): void {
  const trash = siblingPath(target, "del");
  try {
    renameSync(path, trash);
  } catch {
    return; // gone already: another sweep or its publisher took it
  }
  rmSync(trash, { recursive: true, force: true });
}

/**
 * Runs `action` (which may remove `path`) holding `path`'s lock, unless another process holds it ("held")
 * or its lock cannot be tested ("unknown": in Node, or on a file system without locks); "gone" when
 * there is no `path` to open.
 */
function whileUnheld(path: string, action: () => void): "done" | "held" | "unknown" | "gone" {
  if (typeof Deno === "undefined") return "unknown";
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? "gone" : "unknown";
  }
  try {
    // Removed while locked: a builder between its mkdir and its lock waits, then finds its folder gone.
    if (!file.tryLockSync(true)) return "held";
    action();
    return "done";
  } catch {
    return "unknown";
  } finally {
    file.close();
  }
}

/**
 * Recovers every folder of `dir` whose publish was interrupted and removes the leftovers of dead builds,
 * as the module comment says: a publisher that died between its renames with its new folder complete
 * (holding `marker`) has its publish completed, else the newest complete copy set aside is put back.
 * Synchronous: the site's config runs it, in a synchronous step, before it lists the report pages. Best
 * effort: what another process changes meanwhile is left to it, and to the next sweep.
 */
export function sweepPublished(dir: string, marker: string): SweepResult {
  const result: SweepResult = { recovered: [], interrupted: [] };
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return result;
  }
  // Folders only: a link is never followed out of `dir`, nor renamed or removed.
  const leftovers = entries.flatMap((entry) => {
    const match = entry.isDirectory() ? LEFTOVER.exec(entry.name) : null;
    return match ? [{ path: join(dir, entry.name), target: join(dir, match[1]), uuid: match[2], kind: match[3] }] : [];
  });
  const writable = mayWrite(dir);
  const complete = (path: string) => exists(join(path, marker));
  // The folder a publisher was swapping in, by the uuid its set-aside copy shares (asidePath).
  const building = new Map(leftovers.filter(({ kind }) => kind !== "old" && kind !== "del").map((l) => [l.uuid, l.path]));

  const setAside = new Map<string, { path: string; uuid: string; time: number }[]>();
  for (const { path, target, uuid, kind } of leftovers) {
    if (kind !== "old" || exists(target)) continue;
    // A live publisher between its renames: it finishes by itself.
    if (building.has(uuid) && whileUnheld(building.get(uuid)!, () => {}) === "held") continue;
    let time: number;
    try {
      time = statSync(join(path, marker)).mtimeMs;
    } catch {
      continue; // not a complete copy
    }
    setAside.set(target, [...(setAside.get(target) ?? []), { path, uuid, time }]);
  }
  for (const [target, copies] of setAside) {
    const name = basename(target);
    if (!writable) {
      result.interrupted.push(name);
      continue;
    }
    // Its publisher known dead (its lock taken here) and its new folder complete: publish that.
    const completed = copies.some(({ uuid }) => {
      const built = building.get(uuid);
      return built !== undefined && complete(built) && whileUnheld(built, () => renameSync(built, target)) === "done";
    });
    if (!completed) {
      const newest = copies.sort((a, b) => b.time - a.time)[0];
      try {
        renameSync(newest.path, target);
      } catch {
        continue; // another process published or recovered it meanwhile
      }
    }
    result.recovered.push(name);
    console.warn(`chisel: ${completed ? "completed the publish of" : "restored the previous"} ${target}, interrupted between its two renames`);
  }
  if (!writable) return result;

  for (const { path, target, kind } of leftovers) {
    try {
      if (kind === "del") rmSync(path, { recursive: true, force: true });
      else if (kind === "old") {
        if (exists(target)) discardSync(path, target);
      } else whileUnheld(path, () => discardSync(path, target));
    } catch {
      // Best effort: one leftover that cannot go now is tried again by the next sweep.
    }
  }
  return result;
}
