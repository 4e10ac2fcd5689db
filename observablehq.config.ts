// Observable Framework config for a site that builds, previews and runs with no network access.
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Framework reports each build to its telemetry server unless this is set before its first event,
// which comes after the config is read.
process.env.OBSERVABLE_TELEMETRY_DISABLE ??= "true";

/**
 * Framework's client code lazily imports its recommended libraries as `npm:name` (d3, Plot, lodash…),
 * and resolving each one's version asks registry.npmjs.org, on every build, unless a `name@version`
 * folder already sits in the npm cache. Pre-create those folders, with the node_modules version where
 * the package is installed: the build then never touches the network. Pages must import libraries
 * explicitly from node_modules (`import * as Plot from "@observablehq/plot"`); an implicit `Plot` or
 * `d3` would be fetched from jsDelivr, and fails the build offline.
 */
function pinClientNpmImports(): void {
  const client = here("./node_modules/@observablehq/framework/dist/client/");
  const names = new Set<string>();
  for (const file of readdirSync(client, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".js")) continue;
    for (const [, name] of readFileSync(client + file, "utf8").matchAll(/["']npm:((?:@[\w.-]+\/)?[\w.-]+)/g)) {
      names.add(name);
    }
  }
  for (const name of names) {
    const manifest = here(`./node_modules/${name}/package.json`);
    // Any valid semver does for a package we never load; the prerelease tag says why it is there.
    const version = existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")).version : "0.0.0-offline";
    mkdirSync(here(`./src/.observablehq/cache/_npm/${name}@${version}`), { recursive: true });
  }
}
pinClientNpmImports();

/**
 * Framework bundles @tensorflow/tfjs-backend-wasm with rollup, which keeps the Node built-ins its
 * Emscripten glue requires (on Node only) as bare imports, `import * as x from "fs"`, and no browser
 * can load a module with those (the Train page's worker loads it for tfjs on wasm). Bundle it through
 * Framework before the build and turn each built-in into an empty object. Only under Framework's own
 * CLI: tests that import this config for its pages need no bundle.
 */
async function emptyNodeBuiltinsInTfjsWasm(): Promise<void> {
  // Through the real path: `npm run build` starts node_modules/.bin/observable, a link to this file.
  const cli = process.argv[1] && existsSync(process.argv[1]) ? realpathSync(process.argv[1]) : "";
  if (!/[\\/]@observablehq[\\/]framework[\\/]dist[\\/]bin[\\/]observable\.js$/.test(cli)) return;
  const { resolveNodeImport } = await import(new URL("./node_modules/@observablehq/framework/dist/node.js", import.meta.url).href);
  const path: string = await resolveNodeImport(here("./src"), "@tensorflow/tfjs-backend-wasm");
  const file = here(`./src/.observablehq/cache${path}`);
  const source = readFileSync(file, "utf8");
  const patched = source.replace(/import\s*\*\s*as\s*([\w$]+)\s*from\s*"(?:node:)?(?:fs|path|os|perf_hooks|worker_threads)";/g, "const $1={};");
  if (patched !== source) writeFileSync(file, patched);
}
await emptyNodeBuiltinsInTfjsWasm();

/**
 * One page per published report, /reports/NAME for every data/reports/NAME/report.json, made by the
 * parameterized page loader src/reports/[name].md.ts (parameterized pages are not found by themselves).
 */
function reportPaths(): string[] {
  const reports = here("./data/reports/");
  if (!existsSync(reports)) return [];
  return readdirSync(reports)
    .filter((name) => /^[a-z0-9][a-z0-9-]*$/.test(name) && name !== "index" && existsSync(`${reports}${name}/report.json`))
    .sort()
    .map((name) => `/reports/${name}`);
}

// Reports published by scripts (mod.ts) since the last build: their cached pages are stale.
const { forgetStaleReports } = await import("./src/data/views/siteCache.js");
forgetStaleReports();

/** Deno from node_modules by absolute path, so loaders run whatever the PATH of the build. */
const deno = here("./node_modules/.bin/deno");

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The symlinks under `folder` that lead out of it (or nowhere: writing through a dangling link creates
 * its target). Deno checks a path as written, so --allow-write=data/runs alone lets a write through such
 * a link land anywhere. Loaders cannot make new links (Deno requires unscoped permissions for that).
 */
function linksLeaving(folder: string): string[] {
  if (!existsSync(folder)) return [];
  const real = realpathSync(folder);
  const links: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isSymbolicLink()) {
        const target = existsSync(path) ? realpathSync(path) : undefined;
        if (target === undefined || !isInside(target, real)) links.push(path);
      }
    }
  };
  visit(folder);
  return links;
}

/**
 * The permissions of a data loader of the project in folder `project`: read the project, write trained
 * runs into data/runs, nothing else. Absolute paths, so no working directory widens them. Exported for
 * tests/site/loaderPermissions.test.ts, which checks them on a scratch project.
 */
export function loaderFlags(project: string): string[] {
  // Real paths: Deno loads modules, and loaders find data/ from them, by real path.
  const root = realpathSync(project);
  const runs = join(root, "data", "runs");
  // Where node_modules really is (a worktree's may be a link to another checkout's): Deno loads npm
  // packages from their real path, and onnxruntime reads its .wasm from there.
  const modules = existsSync(join(root, "node_modules")) ? realpathSync(join(root, "node_modules")) : undefined;
  const reads = [root, ...(modules && !isInside(modules, root) ? [modules] : [])];
  const escaping = linksLeaving(runs);
  // Deno splits these lists at commas, and has no escape for one.
  for (const path of [...reads, runs, ...escaping]) {
    if (path.includes(",")) throw new Error(`${path}: a path with a comma cannot be given to Deno's permission flags`);
  }
  return [
    // Throw on any permission not granted here (env, sys, run, ffi included) instead of asking.
    "--no-prompt",
    // The project's settings (sloppy imports), not a deno.json a loader's folder might hold.
    `--config=${join(root, "deno.json")}`,
    // npm packages from node_modules only, whatever deno.json says: "auto" or "none" would download them.
    "--node-modules-dir=manual",
    // No module from a URL: Deno otherwise imports from deno.land, jsr.io, esm.sh, jsDelivr… by default,
    // jsr: specifiers included. --no-remote refuses even ones in Deno's cache.
    "--no-remote",
    "--deny-import",
    // Anything Deno would still have to download (an npm package missing from its cache) fails instead.
    "--cached-only",
    // Deno writes deno.lock itself, unchecked by --allow-write; loaders need none.
    "--no-lock",
    // No fetch, socket or DNS lookup: denied anyway without --allow-net, and an --allow-net added later cannot undo it.
    "--deny-net",
    `--allow-read=${reads.join(",")}`,
    // Runs trained on first use. A loader's output goes to stdout, which Framework writes.
    `--allow-write=${runs}`,
    // Links in data/runs that lead out of it: neither read nor written through.
    ...(escaping.length ? [`--deny-read=${escaping.join(",")}`, `--deny-write=${escaping.join(",")}`] : []),
  ];
}

/**
 * In every page's <head>: an empty icon, so browsers do not request /favicon.ico, and a "Skip to content"
 * link made the body's first element, so that Tab reaches it before the sidebar's links. Framework's
 * `header` option would put it after the sidebar, hence a script. The main column gets tabindex −1, so that
 * following the link moves focus (not just the view) there; the sidebar's toggle, an unlabelled checkbox,
 * gets a name.
 */
const HEAD = `<link rel="icon" href="data:,">
<style>
.chisel-skip { position: absolute; left: 0.5rem; top: -3rem; z-index: 100; padding: 0.4rem 0.8rem; background: var(--theme-background); color: var(--theme-foreground-focus); border: 2px solid currentColor; border-radius: 4px; }
.chisel-skip:focus { top: 0.5rem; }
#observablehq-main:focus { outline: none; }
</style>
<script>
addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("observablehq-main");
  if (!main) return;
  main.tabIndex = -1;
  const skip = document.createElement("a");
  skip.className = "chisel-skip";
  skip.href = "#observablehq-main";
  skip.textContent = "Skip to content";
  document.body.prepend(skip);
  document.getElementById("observablehq-sidebar-toggle")?.setAttribute("aria-label", "Show or hide the page list");
});
</script>`;

/** What every .ts data loader may do (see loaderFlags). */
export const LOADER_FLAGS = loaderFlags(here("."));

export default {
  root: "src",
  title: "chisel",
  pages: [
    { name: "Overview", path: "/" },
    { name: "Noise schedules", path: "/schedules" },
    { name: "Denoising", path: "/denoising" },
    { name: "Train", path: "/train" },
    { name: "Sampling", path: "/sampling" },
    { name: "Trajectories", path: "/trajectories" },
    { name: "Fields", path: "/fields" },
    { name: "Training T", path: "/training-t" },
    { name: "Images", path: "/images" },
    { name: "Reports", path: "/reports/" },
  ],
  dynamicPaths: reportPaths(),
  // Links end in .html, so dist/ works from any plain static file server.
  cleanUrls: false,
  // The default global stylesheets are Google Fonts: drop them (the theme's font stacks fall back to
  // local fonts) but keep Inputs' stylesheet, which Framework builds locally.
  globalStylesheets: ["observablehq:stdlib/inputs.css"],
  head: HEAD,
  footer: "chisel: denoising diffusion on 2D data.",
  // Loaders read trained runs and train missing ones into data/runs/, with no network (LOADER_FLAGS).
  interpreters: { ".ts": [deno, "run", ...LOADER_FLAGS] },
};
