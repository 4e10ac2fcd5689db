/**
 * Builds the Observable Framework site in a fresh copy of the project with the network cut off, and
 * checks the output is self-contained: no CDN anywhere in dist/, Plot bundled from node_modules, and
 * the overview loader's data present with the right numbers.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const project = fileURLToPath(new URL("..", import.meta.url));
/** Everything that is not source: dependencies, git state, earlier outputs and Framework's caches. */
const SKIP = new Set(["node_modules", ".git", "dist", ".observablehq", "test-artifacts"]);
const CDN = /jsdelivr|unpkg\.com|esm\.sh|googleapis|gstatic|\bcdn\.[a-z]/i;

let work: string;
let build: { code: number; output: string };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "chisel-build-"));
  // A copy, so the build neither overwrites the project's dist/ nor reuses its loader cache.
  cpSync(project, work, { recursive: true, filter: (source) => !SKIP.has(source.split(/[\\/]/).pop()!) });
  symlinkSync(join(project, "node_modules"), join(work, "node_modules"), "dir");
  // Framework reaches the network only through fetch: make every call fail, as on a machine offline.
  const offline = join(work, "offline.mjs");
  writeFileSync(offline, 'globalThis.fetch = async (url) => { throw new Error(`network access: ${url}`); };\n');
  const bin = join(work, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
  build = await new Promise((resolve) => {
    execFile("node", ["--import", offline, bin, "build"], { cwd: work, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("observable build, offline", () => {
  it("succeeds and writes dist/index.html", () => {
    expect(build.code, build.output).toBe(0);
    expect(existsSync(join(work, "dist", "index.html"))).toBe(true);
  });

  it("references no CDN in any output file", () => {
    const offenders = filesUnder(join(work, "dist")).filter((file) => CDN.test(readFileSync(file, "latin1")));
    expect(offenders.map((file) => relative(work, file))).toEqual([]);
  });

  it("bundles Plot from node_modules", () => {
    const html = readFileSync(join(work, "dist", "index.html"), "utf8");
    const version = JSON.parse(readFileSync(join(project, "node_modules/@observablehq/plot/package.json"), "utf8")).version;
    expect(html).toContain(`_node/@observablehq/plot@${version}/index.`);
    expect(existsSync(join(work, "dist", "_node", "@observablehq", `plot@${version}`))).toBe(true);
  });

  it("ships the overview loader's output with the default schedule and spiral", () => {
    const dir = join(work, "dist", "_file", "data");
    const name = readdirSync(dir).find((file) => /^overview\.[0-9a-f]{8}\.json$/.test(file));
    expect(name).toBeDefined();
    expect(readFileSync(join(work, "dist", "index.html"), "utf8")).toContain(`_file/data/${name}`);
    const { schedule, spiral } = JSON.parse(readFileSync(join(dir, name!), "utf8"));
    expect(schedule.T).toBe(1000);
    expect(schedule.t).toHaveLength(1000);
    expect([schedule.t[0], schedule.t[999]]).toEqual([1, 1000]);
    // Linear β from 1e-4 to 0.02; ᾱ_t = ∏(1 − β_s), checked with numpy: ᾱ_1 = 0.9999,
    // β_500 = 0.01004004, ᾱ_500 = 0.07858724, ᾱ_1000 = 4.035830e-5 (the JSON keeps 4 significant digits).
    expect(schedule.beta[0]).toBe(1e-4);
    expect(schedule.beta[999]).toBe(0.02);
    expect(schedule.beta[499]).toBeCloseTo(0.01004, 7);
    expect(schedule.alphaBar[0]).toBe(0.9999);
    expect(schedule.alphaBar[499]).toBeCloseTo(0.07859, 7);
    expect(schedule.alphaBar[999]).toBeCloseTo(4.036e-5, 10);
    expect(spiral.n).toBe(2048);
    expect(spiral.seed).toBe(0);
    expect(spiral.points).toHaveLength(2048);
    expect(spiral.points.flat().every(Number.isFinite)).toBe(true);
  });
});
