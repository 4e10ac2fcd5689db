/**
 * vitest globalSetup, run once per `vitest run` before any test file:
 * - makes sure Debian's Chromium is installed (scripts/ensure-chromium.sh; a no-op when it is), so that
 *   `npm test` on a fresh machine needs nothing else. A failed install does not stop the unit tests: the
 *   browser tests report it.
 * - makes the folder where tests/support/site.ts builds the site once for all test files, and removes
 *   it when the run ends.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** An empty folder for this run's one site build (see site.ts). */
    siteRoot: string;
    /** Why Chromium is unusable, or "" when it is installed. */
    chromiumProblem: string;
  }
}

export default function setup(project: TestProject): () => void {
  const script = fileURLToPath(new URL("../../scripts/ensure-chromium.sh", import.meta.url));
  // Output goes straight to the terminal: an apt-get install should be seen as it happens.
  const ensure = spawnSync("bash", [script], { stdio: ["ignore", "inherit", "inherit"] });
  const problem = ensure.error
    ? `could not run ${script}: ${ensure.error.message}`
    : ensure.status === 0
    ? ""
    : `${script} exited with ${ensure.status ?? ensure.signal}: see its output above`;
  project.provide("chromiumProblem", problem);

  const siteRoot = mkdtempSync(join(tmpdir(), "chisel-site-"));
  project.provide("siteRoot", siteRoot);
  return () => rmSync(siteRoot, { recursive: true, force: true });
}
