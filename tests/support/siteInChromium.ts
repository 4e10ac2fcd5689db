/**
 * What every browser test file starts from: this run's build of the site (site.ts) served on 127.0.0.1,
 * and headless Chromium launched (browser.ts). Throws, naming the cause, when Chromium is missing or
 * the build failed.
 */
import type { Browser } from "playwright-core";
import { inject } from "vitest";
import { launchChromium } from "./browser.js";
import { builtSite, type Site } from "./site.js";
import { serveStatic, type StaticServer } from "./staticServer.js";

export interface SiteInChromium {
  site: Site;
  server: StaticServer;
  browser: Browser;
}

export async function siteInChromium(): Promise<SiteInChromium> {
  const problem = inject("chromiumProblem");
  if (problem) throw new Error(`Chromium is not available: ${problem}`);
  const site = await builtSite();
  if (site.code !== 0) throw new Error(`the site build failed (exit ${site.code}):\n${site.output.slice(-4000)}`);
  const [server, browser] = await Promise.all([serveStatic(site.dist), launchChromium()]);
  return { site, server, browser };
}
