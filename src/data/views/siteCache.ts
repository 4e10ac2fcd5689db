/**
 * Framework's cache of loader outputs (src/.observablehq/cache): it serves an output until the loader
 * file itself is newer. A report published to data/reports/ changes what the report loaders return
 * without touching them, so whoever publishes one for the site must drop their cached outputs.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { REPORT_NAME, RESERVED_NAMES } from "../../core/reports/config.js";
import { recoverReports, REPORTS_DIR } from "../../io/reports/read.js";

export const SITE_CACHE_DIR = fileURLToPath(new URL("../../.observablehq/cache/", import.meta.url));
/** What every report page is made from: a page cached before its last edit is stale too. */
const REPORT_TEMPLATE = fileURLToPath(new URL("../../reports/[name].template.md", import.meta.url));

/**
 * Whether `name` is a report's name, by the rule the site's report pages use: anything else under
 * data/reports (publish leftovers, names like "%2e%2e" or "a#b") must never become a cache path.
 */
function isReportName(name: string): boolean {
  return REPORT_NAME.test(name) && !RESERVED_NAMES.includes(name);
}

/** Removes report `name`'s cached page and files, and the cached index of reports. */
function dropCached(name: string, cacheDir: string): void {
  rmSync(join(cacheDir, "reports", `${name}.md`), { force: true });
  rmSync(join(cacheDir, "reports", name), { recursive: true, force: true });
  rmSync(join(cacheDir, "data", "reports.json"), { force: true });
}

/**
 * Drops the cached page, files and index entry of report `name`, when `reportsDir` is the site's; a name
 * that is not a report's is ignored.
 */
export async function forgetCachedReport(
  name: string,
  reportsDir = REPORTS_DIR,
  cacheDir = SITE_CACHE_DIR,
): Promise<void> {
  if (resolve(reportsDir) !== resolve(REPORTS_DIR) || !isReportName(name)) return;
  dropCached(name, cacheDir);
}

/**
 * Drops the cached outputs of every report published since its page was cached (or whose page template
 * changed since): the CLI does it as it publishes, but a script that publishes through mod.ts does not
 * know of the site, and Framework reruns a page loader only when the loader file itself changes. Runs as the site
 * starts, before it lists the report pages, so it first restores reports whose publish was interrupted
 * (the data loaders may not write there): a restored report counts as published now.
 */
export function forgetStaleReports(reportsDir = REPORTS_DIR, cacheDir = SITE_CACHE_DIR, template = REPORT_TEMPLATE): void {
  if (!existsSync(reportsDir)) return;
  recoverReports(reportsDir);
  const cachedIndex = join(cacheDir, "data", "reports.json");
  for (const name of readdirSync(reportsDir)) {
    if (!isReportName(name)) continue;
    const report = join(reportsDir, name, "report.json");
    if (!existsSync(report)) continue;
    const published = statSync(report).mtimeMs;
    const stale = (cached: string, since: number) => existsSync(cached) && statSync(cached).mtimeMs < since;
    const edited = existsSync(template) ? statSync(template).mtimeMs : 0;
    if (!stale(join(cacheDir, "reports", `${name}.md`), Math.max(published, edited)) && !stale(cachedIndex, published)) continue;
    dropCached(name, cacheDir);
  }
}
