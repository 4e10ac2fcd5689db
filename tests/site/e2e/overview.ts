/**
 * The overview in the browser: its controls (dataset, rung spacing, direction, t) are carried by the
 * URL, and a link with bad values opens with a notice, clamped or default values, and no NaN.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { PageChecks } from "../../support/browser.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";

export const path = "/";

const stepHeading = (page: Page) => page.locator("h2", { hasText: /^Step t = / }).innerText();

export const checks: PageChecks["checks"] = {
  "carries dataset, rungs, direction and t in the URL, and a fresh page restores the same view": async (page) => {
    expect(new URL(page.url()).search).toBe("");
    await page.getByLabel("Dataset", { exact: true }).selectOption("moons");
    await page.getByRole("radio", { name: "evenly in t" }).check();
    await page.getByRole("radio", { name: /^reverse/ }).check();
    // The direction makes a new slider, read from x_T back.
    const slider = page.getByLabel("t (read from x_T back)");
    await slider.waitFor();
    await slider.evaluate((input: HTMLInputElement) => {
      input.value = "250";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await expect.poll(() => stepHeading(page)).toBe("Step t = 250 of 1000");
    const view = await expectRoundTrip(page, "?dataset=moons&rungs=t&direction=reverse&t=250");
    expect(view.text).toContain("Reverse: the same rungs read from noise back to the two moons");
    expect(view.text).toContain("at t = 0, 111, 222, 333, 444, 556, 667, 778, 889, 1000");
  },

  "a link with bad values says so, clamps t and keeps the defaults it cannot read": async (page) => {
    const lines = await noticeFor(page, "?t=5000&dataset=nope&rungs=t&t=3", async (fresh) => {
      await expect.poll(() => stepHeading(fresh)).toBe("Step t = 1000 of 1000");
      expect(await fresh.getByLabel("Dataset", { exact: true }).inputValue()).toBe("spiral");
      expect(await fresh.getByRole("radio", { name: "evenly in t" }).isChecked()).toBe(true);
    });
    expect(lines).toEqual([
      "URL parameter t=5000: must be an integer from 0 to 1000: clamped to 1000.",
      "URL parameter dataset=nope: must be one of spiral, blob, moons, gaussians8, ring, checkerboard; using the default, spiral.",
      "URL parameter t=3 repeats “t”: the first one is used.",
    ]);
  },
};
