/**
 * Text from a report config or report.json (title, description, run labels, the config path, the date)
 * reaches a report page as text only: a report whose text is hostile (Markdown fences, `${…}`, tags,
 * backticks, links) makes a page with exactly the structure, code cells and elements of the same report
 * with plain text, parsed by Framework's own Markdown parser, and the text still reads literally. The
 * index's components show the same text through textContent.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// Framework's page parser, as `observable build` runs it on every page (no published types).
import { createMarkdownIt, parseMarkdown } from "@observablehq/framework/dist/markdown.js";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/core/reports/report.js";
import { headlineChart, type IndexEntry, reportIndexTable } from "../../src/components/reportIndex.js";
import { inertLine, inertProse, inertText } from "../../src/data/views/inertText.js";
import { reportPage } from "../../src/data/views/reports.js";
import { REPORTS_DIR } from "../../src/io/reports/read.js";
import { HOSTILE_TEXT as HOSTILE, publishHostileReport, withText } from "../support/hostileReport.js";

/** What the page should show for a hostile string in a one-line place. */
const shown = (text: string) => text.replace(/\s+/g, " ").trim();

const scratch = mkdtempSync(join(tmpdir(), "chisel-report-injection-"));
const BASE = "beta-end-sweep";

/** A copy of a committed report (a sweep, so it has run labels) with its text replaced by `edit`. */
function writeReport(name: string, edit: (report: Report) => void): void {
  const report = JSON.parse(readFileSync(join(REPORTS_DIR, BASE, "report.json"), "utf8")) as Report;
  edit(report);
  mkdirSync(join(scratch, name), { recursive: true });
  writeFileSync(join(scratch, name, "report.json"), JSON.stringify(report));
}

const PARAGRAPH_BREAK = /\n\s*\n/;

/** withText, and the build date too (a one-line place of its own). */
function hostile(text: (k: number) => string, description: string): (report: Report) => void {
  return (report) => {
    withText(report, text, description);
    report.provenance.date = text(2).replace(/\s+/g, "");
  };
}

/** A hostile report, and a plain one with as many description paragraphs to compare its page with. */
function writePair(name: string, text: (k: number) => string, description: string): void {
  writeReport(name, hostile(text, description));
  const paragraphs = description.split(PARAGRAPH_BREAK).map((_, k) => `plain ${k}`).join("\n\n");
  writeReport(`${name}-plain`, hostile((k) => `plain ${k}`, paragraphs));
}

writePair("hostile", (k) => HOSTILE[k % HOSTILE.length], HOSTILE.join("\n\n"));
writePair("hostile-title", () => HOSTILE.join(" "), HOSTILE.join(" "));

/** The page as Framework renders it: its code cells and its HTML, parsed. */
function render(markdown: string, name: string) {
  const page = parseMarkdown(markdown, { md: createMarkdownIt(), path: "/reports/[name].md", params: { name } });
  const body = new JSDOM(`<!doctype html><body>${page.body}</body>`).window.document.body;
  return { page, body, tags: [...body.querySelectorAll("*")].map((e) => e.tagName).join(" ") };
}

/** How many times `s` occurs in `text`. */
const count = (text: string, s: string) => text.split(s).length - 1;

describe("report page text", () => {
  it("turns every character outside the safe set into an entity that decodes back to it", () => {
    const text = HOSTILE.join("\u0000");
    const encoded = inertText(text);
    expect(encoded).toMatch(/^[\p{L}\p{N} ,.\-/()=&#;]*$/u);
    const decoded = new JSDOM(`<p>${encoded}</p>`).window.document.querySelector("p")!.textContent;
    // NUL is the one character HTML refuses as a character reference (it becomes U+FFFD).
    expect(decoded).toBe(text.replaceAll("\u0000", "\uFFFD"));
    expect(inertText("betaEnd = 0.02, run-1 (a/b)")).toBe("betaEnd = 0.02, run-1 (a/b)");
    expect(inertLine(" a\n\n b\t")).toBe("a b");
  });

  it("sets a subscript written as β_T, ᾱ_t or x_0 as <sub>, and nothing else from the text as markup", () => {
    expect(inertProse("five values of β_T, ᾱ_t and x_0.")).toBe("five values of β<sub>T</sub>, ᾱ<sub>t</sub> and x<sub>0</sub>.");
    // Not a subscript: no letter before, or more than three characters after, or a tag's worth of text.
    expect(inertProse("_T snake_case a_<b>")).toBe("&#95;T snake&#95;case a&#95;&#60;b&#62;");
    for (const text of HOSTILE) {
      const body = new JSDOM(`<p>${inertProse(text)}</p>`).window.document.querySelector("p")!;
      expect([...body.querySelectorAll("*")].every((e) => e.tagName === "SUB" && e.children.length === 0)).toBe(true);
    }
  });

  for (const name of ["hostile", "hostile-title"]) {
    it(`gives the ${name} report the plain report's page structure, with its text shown literally`, async () => {
      const plainMarkdown = await reportPage(`${name}-plain`, scratch);
      const markdown = await reportPage(name, scratch);
      // Nothing the template does not write itself: fences, `${`, tags, lines.
      for (const s of ["```", "~~~", "${", "<", ">", "\n", "{{", "\\"]) {
        expect(count(markdown, s), JSON.stringify(s)).toBe(count(plainMarkdown, s));
      }
      const plain = render(plainMarkdown, `${name}-plain`);
      const hostile = render(markdown, name);
      // The same code cells (blocks and inline expressions), the same elements in the same order.
      expect(hostile.page.code.map((c: { mode: string }) => c.mode)).toEqual(plain.page.code.map((c: { mode: string }) => c.mode));
      expect(hostile.tags).toBe(plain.tags);
      expect(hostile.body.querySelector("script, img")).toBeNull();
      const attributes = [...hostile.body.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`));
      expect(attributes.filter((a) => /^on|javascript:|pwned/i.test(a))).toEqual([]);
      // The text reads as written (one line per place; blank lines still split the description).
      const report = JSON.parse(readFileSync(join(scratch, name, "report.json"), "utf8")) as Report;
      expect(hostile.body.querySelector("h1")!.textContent).toBe(shown(report.title));
      const paragraphs = report.description!.split(PARAGRAPH_BREAK).map(shown);
      const texts = [...hostile.body.querySelectorAll("p")].map((p) => p.textContent);
      for (const p of paragraphs.filter((p) => p !== "")) expect(texts).toContain(p);
      const labels = [...hostile.body.querySelectorAll(".report-downloads tbody tr")].map((tr) => tr.querySelector("td")!.textContent);
      expect(labels).toEqual(report.runs.map((run) => shown(run.label)));
      expect(hostile.body.querySelector("p code")!.textContent).toBe(report.provenance.command!.split(" ").pop());
    });
  }

  it("refuses a report whose file paths leave its run folders", async () => {
    writeReport("escape", (report) => (report.runs[0].samples[0].file = "../../../.env"));
    await expect(reportPage("escape", scratch)).rejects.toThrow(/report escape: "run-0\/..\/..\/..\/.env" is not a run-K\/name\.csv file/);
    writeReport("bad-run", (report) => (report.runs[1].id = 'run-1"), alert(1), ("'));
    await expect(reportPage("bad-run", scratch)).rejects.toThrow(/is not a run-K\/name\.f32 file/);
  });

  it("keeps the committed reports' pages to their own text", async () => {
    const copy = join(scratch, "committed");
    for (const name of ["default", "beta-end-sweep", "linear-vs-cosine"]) {
      mkdirSync(join(copy, name), { recursive: true });
      cpSync(join(REPORTS_DIR, name, "report.json"), join(copy, name, "report.json"));
      const report = JSON.parse(readFileSync(join(copy, name, "report.json"), "utf8")) as Report;
      const { body } = render(await reportPage(name, copy), name);
      // A subscript's underscore is gone from the text: it became a <sub>.
      const read = (text: string) => shown(text).replace(/(?<=\p{L})_(?=[\p{L}\p{N}]{1,3}(?![\p{L}\p{N}]))/gu, "");
      expect(body.querySelector("h1")!.textContent).toBe(read(report.title));
      expect(body.querySelector(".report-description p")!.textContent).toBe(read(report.description!.split(/\n\s*\n/)[0]));
      for (const element of body.querySelectorAll("h1, .report-description")) expect(element.textContent).not.toMatch(/\p{L}_T\b/u);
    }
    const sweep = render(await reportPage("beta-end-sweep", copy), "beta-end-sweep");
    expect(sweep.body.querySelector("h1")!.innerHTML).toContain("β<sub>T</sub>");
  });

  it("makes the e2e build's hostile report a page like the default one, its text inert", async () => {
    const copy = join(scratch, "e2e");
    cpSync(join(REPORTS_DIR, "default"), join(copy, "default"), { recursive: true });
    const report = publishHostileReport(copy, "default");
    const plain = render(await reportPage("default", copy), "default");
    const { page, body } = render(await reportPage(report.name, copy), report.name);
    expect(page.code.length).toBe(plain.page.code.length);
    // The same elements but for the description's paragraphs (the hostile one has more).
    const outsideDescription = (b: HTMLElement) =>
      [...b.querySelectorAll("*")].filter((e) => e.closest(".report-description") === null || e.classList.contains("report-description"))
        .map((e) => e.tagName).join(" ");
    expect(outsideDescription(body)).toBe(outsideDescription(plain.body));
    expect(body.querySelector("script, img")).toBeNull();
    expect(body.querySelector("h1")!.textContent).toBe(shown(report.title));
    expect(JSON.parse(readFileSync(join(copy, report.name, "config.json"), "utf8"))).toEqual(report.config);
  });

  it("shows hostile titles and run labels on the index as text", () => {
    const document = new JSDOM("").window.document;
    const entries: IndexEntry[] = HOSTILE.map((title, k) => ({
      name: `r${k}`,
      title,
      date: "2025-01-02T00:00:00Z",
      runs: 2,
      sweep: ["schedule.betaEnd"],
      trainingSteps: [4000],
      headline: { label: HOSTILE[(k + 1) % HOSTILE.length], sampler: { sampler: "ddim" }, steps: 50, swd: 0.03, floorSwd: 0.02, precision: 0.9, coverage: 0.6 },
    }));
    const table = reportIndexTable(entries, { document });
    expect(table.querySelector("script, img")).toBeNull();
    expect([...table.querySelectorAll("tbody a")].map((a) => a.textContent)).toEqual(HOSTILE);
    const chart = headlineChart(entries, { document });
    expect(chart.querySelector("script, img, foreignObject")).toBeNull();
    expect(chart.textContent).toContain("<script>window.pwned=1</script>");
    // A title's "β_T" reads as on the report's page, and a subscript carries no markup of its own.
    const sub = reportIndexTable([{ ...entries[0], title: "five values of β_T, not x_<b>" }], { document });
    expect(sub.querySelector("tbody a")!.innerHTML).toBe("five values of β<sub>T</sub>, not x_&lt;b&gt;");
  });
});
