/**
 * The reader's first screen (issue 13), on every page in observablehq.config.ts and on a report page, at
 * a laptop's and a phone's viewport (VIEWPORTS): the page never scrolls sideways, a chart starts in the
 * first screen with enough of it showing to be seen, no axis tick reads as a unit ("300m", "2k"), the first
 * Tab stop is a skip link that moves focus to the page's content, and the tab's title names the page.
 * A screenshot of each first screen goes to test-artifacts/first-screen/<viewport>-<page>.png.
 *
 * One browser; each page is opened once per viewport and measured once a chart is drawn in its first
 * screen, or after FIRST_CHART_MS: a chart that needs a model run or a long computation does not count.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGuardedPage } from "../support/browser.js";
import { measureFirstScreen, VIEWPORTS, waitForChartInFirstScreen } from "../support/firstScreen.js";
import { project, type Site } from "../support/site.js";
import { siteInChromium } from "../support/siteInChromium.js";
import { artifactName, type PageEntry, SITE_PAGES } from "../support/sitePages.js";
import type { StaticServer } from "../support/staticServer.js";

/** The report page checked besides the config's pages; its title comes from its report.json. */
const REPORT = "default";
const PAGES: (PageEntry & { report?: string })[] = [
  ...SITE_PAGES,
  { name: "", path: `/reports/${REPORT}`, report: REPORT },
];

/** How much of the first chart, at least, must show above the bottom of the first screen (px). */
const VISIBLE = 200;
/** How long a page may take to draw its first chart: enough for a slow shared machine, not for a model run. */
const FIRST_CHART_MS = 10_000;

const ARTIFACTS = join(project, "test-artifacts", "first-screen");

let server: StaticServer;
let browser: Browser;
let work: string;

beforeAll(async () => {
  let site: Site;
  ({ site, server, browser } = await siteInChromium());
  work = site.work;
  mkdirSync(ARTIFACTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The words the tab's title must hold: the nav's name for the page, or the report's own title. */
function expectedTitle(page: (typeof PAGES)[number]): string {
  if (page.report === undefined) return page.name;
  const report = JSON.parse(readFileSync(join(work, "data", "reports", page.report, "report.json"), "utf8"));
  return report.title;
}

for (const viewport of VIEWPORTS) describe(`${viewport.name} (${viewport.width} × ${viewport.height})`, () => {
  for (const entry of PAGES) it(entry.path, async () => {
    const { context, page, problems } = await openGuardedPage(browser, viewport);
    try {
      const response = await page.goto(server.url + entry.path, { waitUntil: "load" });
      expect(response?.status(), `HTTP status of ${entry.path}`).toBe(200);
      await waitForChartInFirstScreen(page, VISIBLE, FIRST_CHART_MS);
      // The charts further down, for their tick labels.
      await page.waitForLoadState("networkidle");
      const screen = await measureFirstScreen(page);
      await page.screenshot({ path: join(ARTIFACTS, `${viewport.name}-${artifactName(entry.path)}.png`) });

      expect(screen.scrollWidth, "page width: it must not scroll sideways").toBeLessThanOrEqual(screen.innerWidth);
      expect(screen.firstChartTop, "top of the first chart").not.toBeNull();
      expect(screen.firstChartTop!, `top of the first chart, with ${VISIBLE} px of it in the first screen`)
        .toBeLessThanOrEqual(screen.innerHeight - VISIBLE);
      expect(screen.siTickLabels, "tick labels with an SI suffix").toEqual([]);
      expect(screen.title.toLowerCase()).toContain(expectedTitle(entry).toLowerCase());

      // The first Tab stop skips the navigation, and following it puts focus in the page's content.
      expect(screen.firstTabStop.text).toMatch(/^skip to content$/i);
      expect(screen.firstTabStop.href).toBe("#observablehq-main");
      await page.keyboard.press("Enter");
      const focusInMain = await page.evaluate(() => document.activeElement?.closest("#observablehq-main") !== null);
      expect(focusInMain, "focus after following the skip link is in the main column").toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
