/**
 * The reports in the browser. The index (/reports/, in the config's pages) lists every published report
 * in data/reports/; each report page is a parameterized route that the e2e run does not find in
 * `pages`, so these checks follow the index's links to every report and check each page: it renders
 * with no error, draws the loss curves and one sample panel per run × sampler × step count it has (a
 * sweep whose runs share their samplers: per run × step count, for one sampler at a time), tabulates
 * every run's own rows against the floor, and serves downloads that are the published files (same SHA-256; the ONNX
 * runs in onnxruntime-web, the CSV parses). Expected counts and hashes come from the built copy's
 * data/reports/, which also publishes HOSTILE_REPORT: its config text must show as text, never as code or
 * elements.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { createOrtDenoiser } from "../../../src/engines/onnx/ortDenoiser.js";
import { parsePoints } from "../../../src/core/points.js";
import type { Report } from "../../../src/core/reports/report.js";
import { listReports, loadReport } from "../../../src/io/reports/read.js";
import type { PageChecks } from "../../support/browser.js";
import { HOSTILE_REPORT, HOSTILE_TEXT } from "../../support/hostileReport.js";
import { builtSite } from "../../support/site.js";
import { splitSubscripts } from "../../../src/core/subscripts.js";

/** A title as the page reads: a subscript written "β_T" shows as β with T set below, no underscore. */
const shown = (text: string) => splitSubscripts(text).map((piece) => piece.text).join("");

export const path = "/reports/";

/** The sample points in the panels (each panel also draws 512 points of the data underneath). */
const BACKGROUND = 512;

/** The reports the built site publishes (the project's, and HOSTILE_REPORT). */
async function published(): Promise<Report[]> {
  const dir = join((await builtSite()).work, "data", "reports");
  return Promise.all((await listReports(dir)).map((name) => loadReport(name, dir)));
}

/** A one-line place's text as the page shows it: whitespace runs as one space. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Opens a page of the site by a link's href, relative to the page that holds it, and waits until it has drawn. */
async function follow(page: Page, href: string): Promise<void> {
  await page.goto(new URL(href, page.url()).href, { waitUntil: "load" });
  await page.locator("#observablehq-main svg").first().waitFor({ state: "visible", timeout: 30_000 });
  await page.waitForLoadState("networkidle");
}

/** The bytes a link of the page serves. */
async function download(page: Page, selector: string): Promise<Buffer> {
  const href = await page.locator(selector).first().getAttribute("href");
  expect(href, selector).toBeTruthy();
  const response = await page.request.get(new URL(href!, page.url()).href);
  expect(response.status()).toBe(200);
  return response.body();
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function circles(page: Page): Promise<number> {
  return page.locator('svg[aria-label="samples"] circle').count();
}

export const checks: PageChecks["checks"] = {
  "lists every published report with its headline, linked to its page": async (page) => {
    const reports = await published();
    expect(reports.length).toBeGreaterThanOrEqual(4);
    const links = page.locator("table.report-index tbody a");
    await expect.poll(() => links.count()).toBe(reports.length);
    expect(await links.allTextContents()).toEqual(reports.map((r) => shown(r.title)));
    // "β_T" in a title is set as β<sub>T</sub>.
    expect(await links.evaluateAll((as) => as.flatMap((a) => [...a.querySelectorAll("sub")].map((sub) => sub.textContent)))).toContain("T");
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(reports.map((r) => `./${r.name}.html`));
  },

  "renders every report page with its plots, its metrics against the floor and valid downloads": async (page) => {
    const index = page.url();
    for (const report of await published()) {
      await page.goto(index, { waitUntil: "load" });
      await page.locator("table.report-index").waitFor();
      await follow(page, `./${report.name}.html`);
      const main = page.locator("#observablehq-main");
      expect(await main.locator(".observablehq--error").allTextContents(), report.name).toEqual([]);
      expect(await main.locator("h1").innerText()).toBe(oneLine(shown(report.title)));

      // Samples: a panel per sample file of each run (seed 0: its samplers × step counts). A sweep whose
      // runs all have every sampler shows one sampler at a time: a panel per run × step count.
      const sweep = report.runs.length > 1;
      const samplersOf = (run: Report["runs"][number]) => new Set(run.samples.map((s) => JSON.stringify(s.sampler))).size;
      const bySampler = sweep && report.runs.every((run) => samplersOf(run) === report.samplers.length);
      const panels = bySampler
        ? report.runs.reduce((sum, run) => sum + run.samples.length / samplersOf(run), 0)
        : report.runs.reduce((sum, run) => sum + run.samples.length, 0);
      await expect.poll(() => circles(page)).toBe(panels * (report.n + BACKGROUND));
      expect(await main.getByLabel("Sampler", { exact: true }).count()).toBe(bySampler ? 1 : 0);

      // Metrics: the floor row(s), then each run's own rows (its samplers × step counts).
      const floors = new Set(report.runs.map((run) => JSON.stringify(run.quality.floor))).size;
      const rows = report.runs.reduce((sum, run) => sum + run.quality.rows.length, 0);
      expect(await main.locator("table.report-metrics tbody tr").count()).toBe(floors + rows);
      const first = report.runs[0].quality.rows[0];
      const firstRow = main.locator("table.report-metrics tbody tr").nth(floors);
      expect(await firstRow.locator("td").nth(sweep ? 2 : 1).innerText()).toBe(String(first.steps));

      // Provenance: the commit, and every run's checkpoint hash.
      const provenance = await main.locator(".report-provenance").innerText();
      if (report.provenance.git) expect(provenance).toContain(report.provenance.git.commit);
      for (const run of report.runs) expect(provenance.replace(/\s+/g, "")).toContain(run.checkpoint.sha256);

      // Downloads are the published files: the config, and the last run's checkpoint, ONNX and a CSV.
      const run = report.runs[report.runs.length - 1];
      const config = JSON.parse((await download(page, `a[download="${report.name}-config.json"]`)).toString("utf8"));
      expect(config).toEqual(report.config);
      const checkpoint = await download(page, `a[download="${report.name}-${run.id}-${run.checkpoint.file}"]`);
      expect(sha256(checkpoint)).toBe(run.checkpoint.sha256);
      const onnx = await download(page, `a[download="${report.name}-${run.id}-model.onnx"]`);
      expect(sha256(onnx)).toBe(run.onnx.sha256);
      const denoiser = await createOrtDenoiser(new Uint8Array(onnx), { numThreads: 1 });
      try {
        const eps = await denoiser.predict(new Float64Array([0.5, -0.25, 1, 1]), 3);
        expect(eps.length).toBe(4);
        expect(eps.every(Number.isFinite)).toBe(true);
      } finally {
        await denoiser.dispose();
      }
      const samples = run.samples[run.samples.length - 1];
      const csv = await download(page, `a[download="${report.name}-${run.id}-${samples.file}"]`);
      expect(parsePoints(csv.toString("utf8"), "csv").length).toBe(2 * report.n);

      // Straightness, where the samples carry it: a row per run × sampler.
      const straight = report.runs.some((r) => r.samples.some((s) => s.straightness !== undefined));
      const straightRows = straight ? report.runs.reduce((sum, r) => sum + samplersOf(r), 0) : 0;
      expect(await main.locator("table.report-straightness tbody tr").count()).toBe(straightRows);

      if (bySampler) {
        // Another sampler redraws the panels with its own samples.
        const before = await page.locator('svg[aria-label="samples"] circle').evaluateAll((cs) => cs.map((c) => c.getAttribute("cx")).join());
        await main.getByLabel("Sampler", { exact: true }).selectOption({ index: 1 });
        await expect.poll(() =>
          page.locator('svg[aria-label="samples"] circle').evaluateAll((cs) => cs.map((c) => c.getAttribute("cx")).join())
        ).not.toBe(before);
        expect(await circles(page)).toBe(panels * (report.n + BACKGROUND));
      }
    }
  },

  "shows a report's config text as text: no code, script or element comes from it": async (page) => {
    const report = (await published()).find((r) => r.name === HOSTILE_REPORT)!;
    expect(report, HOSTILE_REPORT).toBeDefined();
    // The index: the title is the link's text, and the page has no element the text could make.
    const links = page.locator("table.report-index tbody a");
    await expect.poll(() => links.allTextContents()).toContain(report.title);
    await follow(page, `./${HOSTILE_REPORT}.html`);
    const main = page.locator("#observablehq-main");
    expect(await main.locator(".observablehq--error").allTextContents()).toEqual([]);
    // Nothing ran: no `${…}` cell, no fenced js cell, no script or onerror handler.
    expect(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await main.locator("script, img, iframe, object, embed").count()).toBe(0);
    const handlers = await main.evaluate((root) =>
      [...root.querySelectorAll("*")].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map((a) => `${e.tagName} ${a.name}`))
    );
    expect(handlers).toEqual([]);
    // The text shows literally where the page names it: the title, each description paragraph, the run
    // label (downloads and provenance), the config path, the config itself.
    expect(await main.locator("h1").innerText()).toBe(oneLine(shown(report.title)));
    const paragraphs = await main.locator("p").allInnerTexts();
    for (const text of report.description!.split(/\n\s*\n/).map(oneLine).filter(Boolean)) expect(paragraphs).toContain(text);
    expect(paragraphs.join("\n")).toContain("<script>window.pwned=1</script>");
    expect(await main.locator("table.report-downloads tbody td").first().innerText()).toBe(oneLine(report.runs[0].label));
    expect(await main.locator(".report-provenance").innerText()).toContain(oneLine(report.runs[0].label));
    expect(await main.locator("p code").first().innerText()).toBe(HOSTILE_TEXT[1].replace(/\s+/g, ""));
    expect(await main.locator("details pre").textContent()).toBe(JSON.stringify(report.config, null, 2));
  },
};
