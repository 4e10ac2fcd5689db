/**
 * Framework's cache of loader outputs (src/.observablehq/cache): it serves an output until the loader
 * file itself is newer. A report published to data/reports/ changes what the report loaders return
 * without touching them, so whoever publishes one for the site must drop their cached outputs.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { REPORTS_DIR } from "../../io/reports/read.js";

const SITE_CACHE = new URL("../../.observablehq/cache/", import.meta.url);

/** Drops the cached page, files and index entry of report `name`, when `reportsDir` is the site's. */
export async function forgetCachedReport(name: string, reportsDir = REPORTS_DIR): Promise<void> {
  if (resolve(reportsDir) !== resolve(REPORTS_DIR)) return;
  await rm(new URL(`reports/${name}.md`, SITE_CACHE), { force: true });
  await rm(new URL(`reports/${name}`, SITE_CACHE), { recursive: true, force: true });
  await rm(new URL("data/reports.json", SITE_CACHE), { force: true });
}

/**
 * Drops the cached outputs of every report published since its page was cached: the CLI does it as it
 * publishes, but a script that publishes through mod.ts does not know of the site. Runs as the site starts.
 */
export function forgetStaleReports(reportsDir = REPORTS_DIR): void {
  if (!existsSync(reportsDir)) return;
  const cachedIndex = new URL("data/reports.json", SITE_CACHE);
  for (const name of readdirSync(reportsDir)) {
    const report = resolve(reportsDir, name, "report.json");
    const page = new URL(`reports/${name}.md`, SITE_CACHE);
    if (!existsSync(report)) continue;
    const published = statSync(report).mtimeMs;
    const stale = (cached: URL) => existsSync(cached) && statSync(cached).mtimeMs < published;
    if (!stale(page) && !stale(cachedIndex)) continue;
    rmSync(page, { force: true });
    rmSync(new URL(`reports/${name}`, SITE_CACHE), { recursive: true, force: true });
    rmSync(cachedIndex, { force: true });
  }
}
