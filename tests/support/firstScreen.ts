/**
 * What a first-time reader meets on a page (issue 13): whether it scrolls sideways, where its first
 * chart starts, which axis tick labels carry an SI suffix, the skip link and the tab's title.
 */
import type { Page } from "playwright-core";

/** The viewports every page is checked at: a laptop and a phone. */
export const VIEWPORTS = [
  { name: "laptop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

export interface FirstScreen {
  innerWidth: number;
  innerHeight: number;
  scrollWidth: number;
  /** Top edge (page coordinates) of the first chart in the page's main column, or null when none. */
  firstChartTop: number | null;
  /** Tick labels such as "300m" or "2k", which read as units. */
  siTickLabels: string[];
  /** The first element Tab reaches: its text and where it points. */
  firstTabStop: { text: string; href: string | null };
  title: string;
}

/** A chart is an svg or canvas at least this big: smaller ones are icons and swatches. */
const MIN_CHART = { width: 120, height: 80 };

/**
 * Waits until a chart's top edge lies at least `visible` px above the bottom of the first screen, or
 * `timeout` ms have passed (then it resolves all the same: the measurement says what is there).
 */
export async function waitForChartInFirstScreen(page: Page, visible: number, timeout: number): Promise<void> {
  await page.waitForFunction(({ min, visible }) => {
    const main = document.querySelector("#observablehq-main") ?? document.body;
    return [...main.querySelectorAll("svg, canvas")].some((element) => {
      const box = element.getBoundingClientRect();
      return box.width >= min.width && box.height >= min.height && box.top + window.scrollY <= window.innerHeight - visible;
    });
  }, { min: MIN_CHART, visible }, { timeout }).catch(() => {});
}

export function measureFirstScreen(page: Page): Promise<FirstScreen> {
  return page.evaluate((min) => {
    const main = document.querySelector("#observablehq-main") ?? document.body;
    const charts = [...main.querySelectorAll("svg, canvas")]
      .map((element) => element.getBoundingClientRect())
      .filter((box) => box.width >= min.width && box.height >= min.height)
      .map((box) => box.top + window.scrollY);
    const siTickLabels = [...main.querySelectorAll('g[aria-label$="tick label"] text, g.tick text')]
      .map((text) => (text.textContent ?? "").trim())
      .filter((text) => /^[−-]?\d+(?:\.\d+)?[yzafpnµumkMGTPEZY]$/.test(text));
    return {
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      scrollWidth: document.documentElement.scrollWidth,
      firstChartTop: charts.length > 0 ? Math.min(...charts) : null,
      siTickLabels: [...new Set(siTickLabels)],
      firstTabStop: { text: "", href: null },
      title: document.title,
    };
  }, MIN_CHART).then(async (measured) => {
    await page.keyboard.press("Tab");
    const firstTabStop = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      return { text: (active?.innerText ?? active?.getAttribute("aria-label") ?? "").trim(), href: active?.getAttribute("href") ?? null };
    });
    return { ...measured, firstTabStop };
  });
}
