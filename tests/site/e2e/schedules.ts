/**
 * The noise-schedules page in the browser: the reader's schedule, the dataset, the slots drawn and the
 * paths' count and seed are carried by the URL, and a link with bad values opens with a notice,
 * clamped or default values, and no NaN.
 */
import { expect } from "vitest";
import type { PageChecks } from "../../support/browser.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";

export const path = "/schedules";

export const checks: PageChecks["checks"] = {
  "carries every control in the URL, and a fresh page restores the same plots, paths and numbers": async (page) => {
    await page.getByLabel("Kind", { exact: true }).selectOption("sigmoid");
    await page.getByRole("spinbutton", { name: "β₁ (β start)", exact: true }).fill("0.0005");
    await page.getByRole("spinbutton", { name: "Steps T", exact: true }).fill("200");
    await page.getByLabel("Dataset (for the KL)", { exact: true }).selectOption("ring");
    await page.getByRole("checkbox", { name: "cosine (T = 1000)" }).uncheck();
    await page.getByRole("spinbutton", { name: "Paths", exact: true }).fill("5");
    await page.getByRole("spinbutton", { name: "Seed", exact: true }).fill("42");
    const view = await expectRoundTrip(page, "?kind=sigmoid&betaStart=0.0005&T=200&dataset=ring&draw=ddpm,yours&paths=5&seed=42");
    expect(view.text).toContain("x0 = 1 through “yours” (sigmoid, T = 200), 5 paths, seed 42");
    expect(view.text).toContain("“yours”: sigmoid, T = 200, on the ring");
  },

  "a link with bad values says so, and draws nothing from them": async (page) => {
    const lines = await noticeFor(page, "?betaStart=abc&T=0&draw=ddpm,bogus", async (fresh) => {
      expect(await fresh.getByRole("spinbutton", { name: "β₁ (β start)", exact: true }).inputValue()).toBe("0.0001");
      expect(await fresh.getByRole("spinbutton", { name: "Steps T", exact: true }).inputValue()).toBe("1");
      expect(await fresh.getByRole("checkbox", { name: "cosine (T = 1000)" }).isChecked()).toBe(false);
      expect(await fresh.getByRole("checkbox", { name: /^DDPM linear/ }).isChecked()).toBe(true);
    });
    expect(lines).toEqual([
      "URL parameter betaStart=abc: must be a number in [0.000001, 0.99]; using the default, 0.0001.",
      "URL parameter T=0: must be an integer from 1 to 100000: clamped to 1.",
      'URL parameter draw=ddpm,bogus: "bogus" dropped: choices are ddpm, cosine, yours.',
    ]);
  },
};
