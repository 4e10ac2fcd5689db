/**
 * Dropping Framework's cached report outputs, on a temporary reports folder and cache: only a report
 * published since its page was cached loses its cache, and only names of reports become cache paths.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { forgetCachedReport, forgetStaleReports } from "../../src/data/views/siteCache.js";
import { REPORTS_DIR } from "../../src/io/reports/read.js";

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Writes `file` with its modification time `seconds` after the epoch. */
function write(file: string, seconds: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "{}");
  utimesSync(file, seconds, seconds);
}

/** A cache holding the page, files and index of each of `names`, all cached at `seconds`. */
function cacheOf(names: string[], seconds: number): string {
  const cache = tempDir("chisel-cache-");
  for (const name of names) {
    write(join(cache, "reports", `${name}.md`), seconds);
    write(join(cache, "reports", name, "runs.json"), seconds);
  }
  write(join(cache, "data", "reports.json"), seconds);
  return cache;
}

const cached = (cache: string, ...path: string[]) => existsSync(join(cache, ...path));

/** A report page template last edited at `seconds`. */
function templateAt(seconds: number): string {
  const file = join(tempDir("chisel-template-"), "[name].template.md");
  write(file, seconds);
  return file;
}

describe("forgetStaleReports", () => {
  it("drops the cache of a report published after it, keeps that of one published before", () => {
    const reports = tempDir("chisel-reports-");
    write(join(reports, "fresh", "report.json"), 1000);
    write(join(reports, "stale", "report.json"), 3000);
    const cache = cacheOf(["fresh", "stale"], 2000);
    forgetStaleReports(reports, cache, templateAt(500));
    expect(cached(cache, "reports", "stale.md")).toBe(false);
    expect(cached(cache, "reports", "stale")).toBe(false);
    expect(cached(cache, "data", "reports.json")).toBe(false);
    expect(cached(cache, "reports", "fresh.md")).toBe(true);
    expect(cached(cache, "reports", "fresh", "runs.json")).toBe(true);
  });

  it("drops every report page cached before the page template's last edit", () => {
    const reports = tempDir("chisel-reports-");
    write(join(reports, "a", "report.json"), 1000);
    write(join(reports, "b", "report.json"), 1000);
    const cache = cacheOf(["a", "b"], 2000);
    forgetStaleReports(reports, cache, templateAt(3000));
    expect(cached(cache, "reports", "a.md")).toBe(false);
    expect(cached(cache, "reports", "b.md")).toBe(false);
  });

  it("ignores folders whose names are not reports' (escapes, fragments, publish leftovers)", () => {
    const reports = tempDir("chisel-reports-");
    for (const name of ["%2e%2e", ".a.0123.old", "a#b", "index"]) write(join(reports, name, "report.json"), 3000);
    const cache = cacheOf(["a", "index"], 2000);
    forgetStaleReports(reports, cache, templateAt(500));
    expect(cached(cache, "reports", "a.md")).toBe(true);
    expect(cached(cache, "reports", "a", "runs.json")).toBe(true);
    expect(cached(cache, "reports", "index.md")).toBe(true);
    expect(cached(cache, "data", "reports.json")).toBe(true);
  });
});

describe("forgetCachedReport", () => {
  it("drops the cache of a report published to the site's reports folder", async () => {
    const cache = cacheOf(["a", "b"], 2000);
    await forgetCachedReport("a", REPORTS_DIR, cache);
    expect(cached(cache, "reports", "a.md")).toBe(false);
    expect(cached(cache, "reports", "a")).toBe(false);
    expect(cached(cache, "data", "reports.json")).toBe(false);
    expect(cached(cache, "reports", "b.md")).toBe(true);
  });

  it("ignores a name that is not a report's, and a report published elsewhere", async () => {
    const cache = cacheOf(["a"], 2000);
    for (const name of ["%2e%2e", "..", ".a.0123.old", "a#b", "index", ""]) await forgetCachedReport(name, REPORTS_DIR, cache);
    await forgetCachedReport("a", tempDir("chisel-reports-"), cache);
    expect(cached(cache, "reports", "a.md")).toBe(true);
    expect(cached(cache, "reports", "a", "runs.json")).toBe(true);
    expect(cached(cache, "data", "reports.json")).toBe(true);
  });
});
