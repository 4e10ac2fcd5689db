/**
 * The reports in the browser. The index (/reports/, in the config's pages) lists every published report
 * in data/reports/; each report page is a parameterized route that the e2e run does not find in
 * `pages`, so these checks follow the index's links to every report and check each page: it renders
 * with no error, draws the loss curves and one sample panel per sampler (or run) × step count, tabulates
 * every row against the floor, and serves downloads that are the published files (same SHA-256; the ONNX
 * runs in onnxruntime-web, the CSV parses). Expected counts and hashes come from data/reports/ read here.
 */
import { createHash } from "node:crypto";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { createOrtDenoiser } from "../../../src/engines/onnx/ortDenoiser.js";
import { parsePoints } from "../../../src/core/datasets.js";
import type { Report } from "../../../src/core/reports/report.js";
import { listReports, loadReport } from "../../../src/io/reports/read.js";
import type { PageChecks } from "../../support/browser.js";

export const path = "/reports/";

/** The sample points in the panels (each panel also draws 512 points of the data underneath). */
const BACKGROUND = 512;

async function published(): Promise<Report[]> {
  return Promise.all((await listReports()).map((name) => loadReport(name)));
}

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
    expect(reports.length).toBeGreaterThanOrEqual(3);
    const links = page.locator("table.report-index tbody a");
    await expect.poll(() => links.count()).toBe(reports.length);
    expect(await links.allTextContents()).toEqual(reports.map((r) => r.title));
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
      expect(await main.locator("h1").innerText()).toBe(report.title);

      // Samples: one panel per sampler × step count (a sweep: per run × step count, for one sampler).
      const sweep = report.runs.length > 1;
      const panels = (sweep ? report.runs.length : report.samplers.length) * report.steps.length;
      await expect.poll(() => circles(page)).toBe(panels * (report.n + BACKGROUND));

      // Metrics: the floor row(s), then every run × sampler × step count.
      const floors = new Set(report.runs.map((run) => JSON.stringify(run.quality.floor))).size;
      const rows = report.runs.length * report.samplers.length * report.steps.length;
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

      if (sweep) {
        // Another sampler redraws the panels with its own samples.
        const before = await page.locator('svg[aria-label="samples"] circle').evaluateAll((cs) => cs.map((c) => c.getAttribute("cx")).join());
        await main.getByLabel("Sampler").selectOption({ index: 1 });
        await expect.poll(() =>
          page.locator('svg[aria-label="samples"] circle').evaluateAll((cs) => cs.map((c) => c.getAttribute("cx")).join())
        ).not.toBe(before);
        expect(await circles(page)).toBe(panels * (report.n + BACKGROUND));
      }
    }
  },
};
