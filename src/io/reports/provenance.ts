/**
 * Where a published artifact came from: the git commit of the working tree, the versions of chisel,
 * Deno and the libraries that computed it.
 *
 * The commit is read from the .git folder itself (HEAD, then the branch's ref file or packed-refs), so it
 * needs only read access to the project, which `npm run chisel` grants; `git rev-parse` would need
 * --allow-run. Whether the tree has uncommitted changes cannot be seen that way and is not claimed.
 */
import { fileURLToPath } from "node:url";
import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { Provenance } from "../../core/reports/report.js";
import { readPackageVersions } from "../versions.js";
import { readBoundedText } from "../files.js";

export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface GitCommit {
  commit: string;
  /** The branch HEAD points to, or undefined when it is detached. */
  branch?: string;
}

async function text(path: string): Promise<string | undefined> {
  return readBoundedText(path, "config").then((s) => s.trim(), () => undefined);
}

/** The git folder of a work tree: .git, or where a .git file ("gitdir: …", worktrees) points. */
async function gitDir(root: string): Promise<string | undefined> {
  const dotGit = join(root, ".git");
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  const pointer = (await text(dotGit))?.match(/^gitdir:\s*(.+)$/m)?.[1];
  return pointer === undefined ? undefined : isAbsolute(pointer) ? pointer : resolve(root, pointer);
}

/** The commit HEAD names in `root`'s git repository, or undefined outside one. */
export async function readGitCommit(root = PROJECT_ROOT): Promise<GitCommit | undefined> {
  const dir = await gitDir(root);
  if (dir === undefined) return undefined;
  const head = await text(join(dir, "HEAD"));
  if (head === undefined) return undefined;
  if (/^[0-9a-f]{40,64}$/.test(head)) return { commit: head };
  const ref = head.match(/^ref:\s*(\S+)$/)?.[1];
  if (ref === undefined) return undefined;
  // A linked worktree keeps its refs in the main repository ("commondir").
  const common = await text(join(dir, "commondir"));
  const refsDir = common === undefined ? dir : resolve(dir, common);
  const branch = ref.replace(/^refs\/heads\//, "");
  for (const base of new Set([dir, refsDir])) {
    const loose = await text(join(base, ref));
    if (loose !== undefined && /^[0-9a-f]{40,64}$/.test(loose)) return { commit: loose, branch };
  }
  const packed = await text(join(refsDir, "packed-refs"));
  const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
  // A branch with no commit yet (a fresh repository) has no ref at all.
  return line === undefined ? undefined : { commit: line.split(" ")[0], branch };
}

/** chisel's version, Deno's, and the pinned versions of the libraries behind training, inference and validation. */
export async function libraryVersions(): Promise<Record<string, string>> {
  const { chisel, dependencies } = await readPackageVersions();
  const versions: Record<string, string> = { chisel, deno: Deno.version.deno, v8: Deno.version.v8 };
  for (const name of ["zod", "protobufjs"]) {
    if (dependencies[name]) versions[name] = dependencies[name];
  }
  return versions;
}

/** A report's provenance, read as it is published: `lanes` runs were built at once, in `seconds`. */
export async function reportProvenance(options: { command?: string; lanes: number; seconds: number }): Promise<Provenance> {
  const git = await readGitCommit();
  const { lanes } = options;
  return {
    ...(git === undefined ? {} : { git }),
    date: new Date().toISOString(),
    versions: await libraryVersions(),
    inference: `the fused WebAssembly SIMD kernel (${lanes > 1 ? 1 : 2} thread${lanes > 1 ? "" : "s"} per run) on the checkpoint's weights`,
    host: { os: Deno.build.os, arch: Deno.build.arch, cores: globalThis.navigator?.hardwareConcurrency ?? 1 },
    ...(options.command === undefined ? {} : { command: options.command }),
    seconds: options.seconds,
  };
}

/** `path` relative to the project when inside it (for provenance that does not leak home folders). */
export function projectRelative(path: string, root = PROJECT_ROOT): string {
  const absolute = resolve(path);
  const base = resolve(root);
  return absolute.startsWith(base + "/") ? absolute.slice(base.length + 1) : absolute === base ? "." : absolute;
}
