/**
 * Builds the Observable Framework site in a fresh copy of the project with the network cut off, and
 * checks the output is self-contained: no CDN anywhere in dist/, no import of a Node built-in, Plot bundled from node_modules, the
 * overview and schedules pages built on the shared library, and the overview's and Sampling's JavaScript
 * within budget (Sampling's and Train's first views without zod).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { builtSite, project, type Site } from "../support/site.js";

// "type.googleapis.com" is protobufjs' prefix for Any type URLs, a name and never fetched: not a CDN.
const CDN = /jsdelivr|unpkg\.com|esm\.sh|(?<!type\.)googleapis|gstatic|\bcdn\.[a-z]/i;

let build: Site;
let work: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

// The run's one build (tests/support/site.ts): a fresh copy of the project, built with fetch cut off.
beforeAll(async () => {
  build = await builtSite();
  work = build.work;
}, 600_000);

describe("observable build, offline", () => {
  it("succeeds and writes dist/index.html", () => {
    expect(build.code, build.output).toBe(0);
    expect(existsSync(join(work, "dist", "index.html"))).toBe(true);
  });

  it("references no CDN in any output file", () => {
    const offenders = filesUnder(join(work, "dist")).filter((file) => CDN.test(readFileSync(file, "latin1")));
    expect(offenders.map((file) => relative(work, file))).toEqual([]);
  });

  it("leaves no module importing a Node built-in, which no browser can load (tfjs-backend-wasm's glue had some)", () => {
    const builtin = /\bfrom\s*"(?:node:)?(?:fs|path|os|perf_hooks|worker_threads|crypto|url)"/;
    const offenders = filesUnder(join(work, "dist")).filter((file) => file.endsWith(".js") && builtin.test(readFileSync(file, "utf8")));
    expect(offenders.map((file) => relative(work, file))).toEqual([]);
  });

  it("bundles Plot from node_modules", () => {
    const html = readFileSync(join(work, "dist", "index.html"), "utf8");
    const version = JSON.parse(readFileSync(join(project, "node_modules/@observablehq/plot/package.json"), "utf8")).version;
    expect(html).toContain(`_node/@observablehq/plot@${version}/index.`);
    expect(existsSync(join(work, "dist", "_node", "@observablehq", `plot@${version}`))).toBe(true);
  });

  it("builds the overview and schedules pages on the shared library, computing in the browser", () => {
    const index = readFileSync(join(work, "dist", "index.html"), "utf8");
    const schedules = readFileSync(join(work, "dist", "schedules.html"), "utf8");
    for (const module of ["core/forward.", "core/schedule.", "components/staircase."]) expect(index).toContain(`_import/${module}`);
    for (const module of ["core/schedule.", "components/schedulePlots.", "components/terminalGauge."]) {
      expect(schedules).toContain(`_import/${module}`);
    }
  });

  it("keeps the overview's JavaScript under 620 KB (its own modules under 80 KB), without tfjs or onnxruntime", () => {
    const index = readFileSync(join(work, "dist", "index.html"), "utf8");
    // Framework preloads every module the page imports, directly or not.
    const modules = [...index.matchAll(/<link rel="modulepreload" href="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.filter((path) => /tfjs|onnx/i.test(path))).toEqual([]);
    const size = (paths: string[]) => paths.reduce((sum, path) => sum + statSync(join(work, "dist", path)).size, 0);
    // Plot and the whole of d3 it imports are about 500 KB of it, Framework's runtime 50 KB; the
    // project's own modules (_import/) were 53 KB when flow matching joined the settings registry.
    expect(size(modules.filter((path) => path.startsWith("_import/")))).toBeLessThan(80_000);
    expect(size(modules)).toBeLessThan(620_000);
  });

  it("keeps zod out of the Sampling page's first view and its JavaScript under 760 KB", () => {
    const html = readFileSync(join(work, "dist", "sampling.html"), "utf8");
    const modules = [...html.matchAll(/<link rel="modulepreload" href="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(modules.some((path) => path.startsWith("_import/components/samplingState."))).toBe(true);
    // No zod module preloaded, and no preloaded module importing one: the report-config button, which
    // checks with the CLI's zod-based parser, is imported only once the page has drawn.
    expect(modules.filter((path) => /zod/i.test(path))).toEqual([]);
    expect(modules.filter((path) => /_node\/zod@/.test(readFileSync(join(work, "dist", path), "utf8")))).toEqual([]);
    expect(html).toMatch(/import\("\.\/_import\/components\/reportConfigButton\.[0-9a-f]+\.js"\)/);
    const size = modules.reduce((sum, path) => sum + statSync(join(work, "dist", path)).size, 0);
    // 1,181,455 bytes with zod (456,460 of them); 695,377 without it, of which Plot and d3 are about 500 KB.
    expect(size).toBeLessThan(760_000);
  });

  it("keeps zod out of the Train page's first view: its config parser and report-config button load when needed", () => {
    const html = readFileSync(join(work, "dist", "train.html"), "utf8");
    const modules = [...html.matchAll(/<link rel="modulepreload" href="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(modules.some((path) => path.startsWith("_import/components/trainControls."))).toBe(true);
    expect(modules.filter((path) => /zod/i.test(path))).toEqual([]);
    expect(modules.filter((path) => /_node\/zod@/.test(readFileSync(join(work, "dist", path), "utf8")))).toEqual([]);
    expect(html).toMatch(/import\("\.\/_import\/components\/reportConfigButton\.[0-9a-f]+\.js"\)/);
  });
});
