/**
 * A published report that cannot be read never fails the site: the index data leaves it out with its
 * problem (the index page shows them in a note) and warns on stderr, its page says only that, as inert
 * text, and a report whose publish was interrupted is back before the site lists its pages.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
// Framework's page parser, as `observable build` runs it on every page (no published types).
import { createMarkdownIt, parseMarkdown } from "@observablehq/framework/dist/markdown.js";
import { JSDOM } from "jsdom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { reportIndex, reportPage } from "../../src/data/views/reports.js";
import { forgetStaleReports } from "../../src/data/views/siteCache.js";
import { siblingPath } from "../../src/io/reports/publish.js";
import { REPORTS_DIR } from "../../src/io/reports/read.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-unreadable-"));
const reportsDir = join(scratch, "reports");
const committed = readFileSync(join(REPORTS_DIR, "default", "report.json"), "utf8");

function publish(name: string, text: string): void {
  mkdirSync(join(reportsDir, name), { recursive: true });
  writeFileSync(join(reportsDir, name, "report.json"), text);
}

publish("good", committed);
publish("truncated", committed.slice(0, committed.length / 2));
publish("foreign", JSON.stringify({ format: "something-else" }));
// A parser quotes what it could not read: the problem is shown, and must stay text.
publish("hostile", "<script>window.pwned=1</script>\n```js\nwindow.pwned = 1\n```");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the reports index", () => {
  it("lists the readable reports and leaves out the others with their problem, warning on stderr", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { reports, skipped } = await reportIndex(reportsDir);
    expect(reports.map((r) => r.name)).toEqual(["good"]);
    expect(reports[0].title).toBe(JSON.parse(committed).title);
    expect(skipped.map((s) => s.name)).toEqual(["foreign", "hostile", "truncated"]);
    expect(skipped[0].problem).toBe("report.json: not a chisel-report version 1 file");
    for (const { problem } of skipped) {
      expect(problem).toMatch(/^report\.json: /);
      expect(problem).not.toContain("\n");
      expect(problem.length).toBeLessThanOrEqual(200);
      expect(problem).not.toContain(scratch);
    }
    const warnings = warn.mock.calls.map((call) => String(call[0]));
    for (const name of ["foreign", "hostile", "truncated"]) {
      expect(warnings.some((line) => line.startsWith(`chisel: the reports index leaves out ${name}: report.json: `))).toBe(true);
    }
  });
});

/** The page as Framework renders it: its code cells and its HTML, parsed. */
function render(markdown: string, name: string) {
  const page = parseMarkdown(markdown, { md: createMarkdownIt(), path: "/reports/[name].md", params: { name } });
  const body = new JSDOM(`<!doctype html><body>${page.body}</body>`).window.document.body;
  return { page, body };
}

describe("the page of an unreadable report", () => {
  for (const name of ["truncated", "foreign", "hostile"]) {
    it(`says ${name} cannot be read, as text, and names no file`, async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const markdown = await reportPage(name, reportsDir);
      const { page, body } = render(markdown, name);
      expect(page.code).toEqual([]);
      expect(markdown).not.toContain("FileAttachment");
      expect(markdown).not.toContain(scratch);
      expect(body.querySelector("h1")!.textContent).toBe(name);
      expect(body.querySelector(".warning")!.textContent).toMatch(/^This report cannot be read, so it is not shown: report\.json: /);
      expect(body.querySelector("script, img, pre, code:not(p > code)")).toBeNull();
      expect(String(warn.mock.calls[0]?.[0])).toMatch(new RegExp(`^chisel: report ${name} cannot be read`));
    });
  }

  it("keeps the hostile file's text inert", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { body } = render(await reportPage("hostile", reportsDir), "hostile");
    expect(body.querySelector(".warning")!.textContent).toContain("<script>");
    expect(body.querySelectorAll("*").length).toBe(body.querySelectorAll("h1, div, p, code, a").length);
  });
});

describe("the site as it starts", () => {
  it("restores a report whose publish was interrupted, and drops the index it had cached without it", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const reports = join(scratch, "interrupted");
    const target = join(reports, "default");
    const aside = siblingPath(target, "old");
    cpSync(join(REPORTS_DIR, "default"), aside, { recursive: true });
    utimesSync(join(aside, "report.json"), 1000, 1000);
    // An index cached after the report was built, while it was missing.
    const cache = join(scratch, "cache");
    const cachedIndex = join(cache, "data", "reports.json");
    mkdirSync(dirname(cachedIndex), { recursive: true });
    writeFileSync(cachedIndex, "[]");
    utimesSync(cachedIndex, 2000, 2000);
    forgetStaleReports(reports, cache);
    expect(readFileSync(join(target, "report.json"), "utf8")).toBe(committed);
    expect(existsSync(cachedIndex)).toBe(false);
  });
});
