// Observable Framework config for a site that builds, previews and runs with no network access.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
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
  if (!/[\\/]@observablehq[\\/]framework[\\/]dist[\\/]bin[\\/]observable\.js$/.test(process.argv[1] ?? "")) return;
  const { resolveNodeImport } = await import(new URL("./node_modules/@observablehq/framework/dist/node.js", import.meta.url).href);
  const path: string = await resolveNodeImport(here("./src"), "@tensorflow/tfjs-backend-wasm");
  const file = here(`./src/.observablehq/cache${path}`);
  const source = readFileSync(file, "utf8");
  const patched = source.replace(/import\s*\*\s*as\s*([\w$]+)\s*from\s*"(?:fs|path|os|perf_hooks|worker_threads)";/g, "const $1={};");
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
  // An empty icon, so browsers do not request /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  footer: "chisel: denoising diffusion on 2D data.",
  // Loaders read trained runs (and train missing ones into data/runs/); never prompt.
  interpreters: { ".ts": [deno, "run", "--no-prompt", "--allow-read", "--allow-write=data/runs"] },
};
