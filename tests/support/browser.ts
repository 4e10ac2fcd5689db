/**
 * Debian's Chromium driven by playwright-core, and pages that fail loudly: every request that leaves
 * the machine is blocked and recorded, and so is every console error and uncaught page error. A test
 * ends with `expect(guarded.problems).toEqual([])`.
 */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Headless, offline-quiet, and with WebGPU on (Chromium gives a SwiftShader adapter without a GPU). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright's own launch makes a fresh temporary profile and deletes it on close.
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--enable-unsafe-webgpu",
    ],
  });
}

export interface GuardedPage {
  context: BrowserContext;
  page: Page;
  /** Blocked requests, console errors and page errors, in order, one line each. */
  problems: string[];
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A fresh context and page whose only reachable hosts are this machine's. */
export async function openGuardedPage(
  browser: Browser,
  options: { width?: number; height?: number } = {},
): Promise<GuardedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1200, height: options.height ?? 900 },
    serviceWorkers: "block",
  });
  const problems: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local = (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:") && LOCAL_HOSTS.has(url.hostname);
    if (local) return route.continue();
    problems.push(`blocked request: ${route.request().method()} ${url.href}`);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") {
      const { url, lineNumber } = message.location();
      problems.push(`console error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on("crash", () => problems.push("page crashed"));
  return { context, page, problems };
}

/** A page's own e2e checks: each runs on a freshly loaded, guarded copy of the page (see e2e.test.ts). */
export interface PageChecks {
  /** The page's path in observablehq.config.ts, e.g. "/images". */
  path: string;
  checks: Record<string, (page: Page) => Promise<void>>;
}
