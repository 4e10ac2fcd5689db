/**
 * The training-T page in the browser: the 2 × 3 grid of sample panels, each a scatter of 512 samples with
 * its metrics, the two forward-started panels, and the terminal-noise verdicts (√ᾱ_T from the closed
 * form: ᾱ_T = ∏ (1 − β_t) over the linear β from 10⁻⁴ to 0.02).
 */
import { expect } from "vitest";
import type { PageChecks } from "../../support/browser.js";

export const path = "/training-t";

/** ᾱ_T of the linear schedule with T steps, by the product over β_t. */
function alphaBarT(T: number): number {
  let product = 1;
  for (let i = 0; i < T; i++) product *= 1 - (1e-4 + ((0.02 - 1e-4) * i) / (T - 1));
  return product;
}

export const checks: PageChecks["checks"] = {
  "draws six sample panels and two forward-started ones, each with its metrics": async (page) => {
    const panels = page.locator(".training-t-grid .sample-panel");
    await expect.poll(() => panels.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const panel = panels.nth(i);
      // 512 samples over the 2048 faint training points.
      expect(await panel.locator("svg circle").count()).toBe(512 + 2048);
      expect(await panel.locator(".sample-metrics").innerText()).toMatch(/SWD [\d.]+ ± [\d.]+/);
    }
    expect(await panels.nth(0).locator("h3").innerText()).toContain("trained T = 10, 10 sampling steps");
    expect(await panels.nth(3).locator("h3").innerText()).toContain("trained T = 1000, 10 sampling steps");
    expect(await page.locator(".training-t-forward .sample-panel").count()).toBe(2);
  },

  "gives √ᾱ_T and the verdict for T = 10, 50 and 1000": async (page) => {
    const text = await page.locator("#observablehq-main").innerText();
    // √ᾱ_T ≈ 0.951 (T = 10), 0.776 (T = 50), 0.00635 (T = 1000), printed to 3 significant digits.
    expect(text).toContain(`√ᾱT = ${Math.sqrt(alphaBarT(10)).toPrecision(3)}`);
    expect(text).toContain(`√ᾱT = ${Math.sqrt(alphaBarT(50)).toPrecision(3)}`);
    expect(text).toContain(`√ᾱT = ${Math.sqrt(alphaBarT(1000)).toPrecision(3)}`);
    const verdicts = await page.locator("table").filter({ hasText: "is noise" }).filter({ hasText: "KL to N(0, I)" }).locator("tbody tr td:last-child").allInnerTexts();
    expect(verdicts).toEqual(["no ⚠", "no ⚠", "yes"]);
  },
};
