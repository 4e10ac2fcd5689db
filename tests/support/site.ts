/**
 * The site, built once per test run however many test files need it.
 *
 * The build runs in a fresh copy of the project with the network cut off, so it neither overwrites the
 * project's dist/ nor reuses its loader cache, and proves the site builds offline. Test files run in
 * separate workers: the first to call builtSite() takes a lock (an atomic mkdir in the run's folder from
 * e2eSetup.ts) and builds; the others wait for its result file.
 *
 * The copy publishes one more report than the project, HOSTILE_REPORT (tests/support/hostileReport.ts):
 * the default report with hostile text, so that the e2e checks see config text reach a page as text.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { publishHostileReport } from "./hostileReport.js";

export const project = fileURLToPath(new URL("../..", import.meta.url));
/** Everything that is not source: dependencies, git state, earlier outputs and Framework's caches. */
const SKIP = new Set(["node_modules", ".git", "dist", ".observablehq", "test-artifacts"]);
/** How long a worker waits for another's build before giving up. */
const WAIT_MS = 540_000;

export interface Site {
  /** The project copy that was built. */
  work: string;
  /** Its dist/ folder. */
  dist: string;
  /** The build's exit code (0 on success) and everything it printed. */
  code: number;
  output: string;
  seconds: number;
}

async function build(work: string): Promise<Site> {
  cpSync(project, work, { recursive: true, filter: (source) => !SKIP.has(source.split(/[\\/]/).pop()!) });
  symlinkSync(join(project, "node_modules"), join(work, "node_modules"), "dir");
  publishHostileReport(join(work, "data", "reports"), "default");
  // Framework reaches the network only through fetch: make every call fail, as on a machine offline.
  const offline = join(work, "offline.mjs");
  writeFileSync(offline, 'globalThis.fetch = async (url) => { throw new Error(`network access: ${url}`); };\n');
  const start = performance.now();
  // Built exactly as a reader's site is: `npm run build`, whose `observable` is node_modules/.bin's link.
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${offline}`.trim() };
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile("npm", ["run", "build"], { cwd: work, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
  return { work, dist: join(work, "dist"), code, output, seconds: (performance.now() - start) / 1000 };
}

let mine: Promise<Site> | undefined;

/** This run's build of the site (built on the first call of the run). Check `code` before using `dist`. */
export function builtSite(): Promise<Site> {
  mine ??= (async () => {
    const root = inject("siteRoot");
    const result = join(root, "site.json");
    try {
      mkdirSync(join(root, "lock"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const deadline = Date.now() + WAIT_MS;
      while (!existsSync(result)) {
        if (Date.now() > deadline) throw new Error(`no site build in ${root} after ${WAIT_MS / 1000} s`);
        await sleep(250);
      }
      return JSON.parse(readFileSync(result, "utf8")) as Site;
    }
    const work = join(root, "project");
    // A build that throws still leaves a result, so that no other worker waits for one in vain.
    const site = await build(work).catch((error: Error): Site => ({
      work,
      dist: join(work, "dist"),
      code: 1,
      output: String(error.stack ?? error),
      seconds: 0,
    }));
    console.log(`site: built in ${site.seconds.toFixed(1)} s (exit ${site.code})`);
    // Written whole, then renamed, so a waiting worker never reads half a file.
    writeFileSync(`${result}.tmp`, JSON.stringify(site));
    renameSync(`${result}.tmp`, result);
    return site;
  })();
  return mine;
}
