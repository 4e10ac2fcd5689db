/**
 * Shareable state in the browser: after a test has set a page's controls, the page's URL must carry
 * them, and that URL opened in a fresh browser context (no storage, no history) must come back with the
 * same controls and the same rendered view. "The same view" is read off the DOM: the value of every
 * control in the page's main column, its text (every number printed), and the position of every mark
 * of every plot (circles' centres, paths' shapes, rects' corners).
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { type GuardedPage, openGuardedPage } from "./browser.js";

export interface ViewState {
  /** Each input and select in the main column: its value, or whether it is checked. */
  controls: (string | boolean)[];
  /** The main column's text, with the URL notice; durations in ms are blanked. */
  text: string;
  /** Every plot mark's geometry, in document order. */
  marks: string[];
}

export function viewState(page: Page): Promise<ViewState> {
  return page.locator("#observablehq-main").evaluate((main) => ({
    controls: [...main.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")].map((element) =>
      element instanceof HTMLInputElement && (element.type === "radio" || element.type === "checkbox") ? element.checked : element.value
    ),
    // Timings ("sampled in 12 ms") differ from one run to the next.
    text: (main as HTMLElement).innerText.replace(/\d+ ms\b/g, "… ms"),
    marks: [...main.querySelectorAll("svg circle, svg path, svg rect, svg line")].map((mark) =>
      ["cx", "cy", "r", "d", "x", "y", "width", "height", "x1", "y1", "x2", "y2"].map((name) => mark.getAttribute(name) ?? "").join(" ")
    ),
  }));
}

/** The view once it has stopped changing (two reads 300 ms apart agree). */
export async function settledView(page: Page, timeout = 30_000): Promise<ViewState> {
  const deadline = Date.now() + timeout;
  let last = await viewState(page);
  for (;;) {
    await page.waitForTimeout(300);
    const next = await viewState(page);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    if (Date.now() > deadline) throw new Error("the page kept changing");
    last = next;
  }
}

/** Opens `url` in a fresh guarded context and waits until the page has drawn; the caller closes it. */
export async function openFresh(page: Page, url: string): Promise<GuardedPage> {
  const guarded = await openGuardedPage(page.context().browser()!);
  await guarded.page.goto(url, { waitUntil: "load" });
  await guarded.page.locator("#observablehq-main").locator("svg, canvas").first().waitFor({ state: "visible", timeout: 30_000 });
  await guarded.page.waitForLoadState("networkidle");
  return guarded;
}

/** Runs `body` on `url` in a fresh context, then fails on anything its guard caught. */
export async function withFreshPage(page: Page, url: string, body: (fresh: Page) => Promise<void>): Promise<void> {
  const guarded = await openFresh(page, url);
  try {
    await body(guarded.page);
    expect(guarded.problems).toEqual([]);
  } finally {
    await guarded.context.close();
  }
}

/**
 * Waits for the page's query string to become `search` (the controls' non-default values, in the
 * page's order), then opens the URL fresh and expects the same controls and the same view, with no
 * notice, and passes `onFresh` checks of its own. Returns the view.
 */
export async function expectRoundTrip(page: Page, search: string, onFresh?: (fresh: Page) => Promise<void>): Promise<ViewState> {
  await expect.poll(() => new URL(page.url()).search, { timeout: 10_000 }).toBe(search);
  let view = await settledView(page);
  await withFreshPage(page, page.url(), async (fresh) => {
    // Both pages are read each time: on a loaded machine a worker's answer can come after the first page
    // looked settled, and then both must still end in the same view.
    const same = async () => {
      view = await viewState(page);
      return JSON.stringify(await viewState(fresh)) === JSON.stringify(view);
    };
    // On a timeout, the comparison below shows where the views differ.
    await expect.poll(same, { timeout: 30_000 }).toBe(true).catch(() => {});
    expect(await viewState(fresh)).toEqual(view);
    expect(await fresh.locator(".url-notice").isHidden()).toBe(true);
    // Opening the URL leaves it as it was.
    expect(new URL(fresh.url()).search).toBe(search);
    await onFresh?.(fresh);
  });
  return view;
}

/** Opens the page at `path + search` fresh and returns the notice's lines; nothing on the page may read NaN. */
export async function noticeFor(page: Page, search: string, body?: (fresh: Page) => Promise<void>): Promise<string[]> {
  let lines: string[] = [];
  await withFreshPage(page, new URL(search, page.url()).href, async (fresh) => {
    const notice = fresh.locator(".url-notice");
    await notice.waitFor({ state: "visible" });
    lines = await notice.locator("li").allInnerTexts();
    expect(await fresh.locator("#observablehq-main").innerText()).not.toMatch(/NaN/);
    await body?.(fresh);
  });
  return lines;
}
