/**
 * The Trajectories page in the browser: scrubbing the reverse process from the keyboard (x_T at the
 * first frame, the samples at the last, the points moving in between), switching runs, playing, and the
 * checkpoint grid's 7 × 3 cells. The run, the layers shown and the frame are carried by the URL. A
 * model from the Train page is offered as a run of its own, sampled in the tab over its own data.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { PageChecks } from "../../support/browser.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";
import { giveSessionModel, untrainedSessionModel } from "../../support/sessionModelInPage.js";

export const path = "/trajectories";

const output = (page: Page) => page.locator(".frame-scrubber output").innerText();

/** The x_t picture's pixels (its points are drawn on a canvas). */
function dots(page: Page): Promise<string> {
  return page.locator(".trajectory-xt canvas").evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
}

/** What the x_t picture says it shows. */
const described = (page: Page) => page.locator(".trajectory-xt svg").first().getAttribute("aria-description");

export const checks: PageChecks["checks"] = {
  "scrubs the 1000-step run from x_T to the samples with the keyboard": async (page) => {
    expect(await output(page)).toBe("step 1 of 1000: t = 1000");
    expect(await page.locator(".trajectory-xt h2").innerText()).toContain("t = 1000");
    expect(await described(page)).toBe("256 points at t = 1000");
    const first = await dots(page);

    const range = page.locator(".frame-scrubber input[type=range]");
    await range.focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => output(page)).toBe("step 11 of 1000: t = 990");
    await expect.poll(() => dots(page)).not.toEqual(first);

    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("the samples (t = 0), after all 1000 steps");
    await expect.poll(() => page.locator(".trajectory-xt h2").innerText()).toContain("t = 0");
    await expect.poll(() => described(page)).toBe("256 points at t = 0");
    const last = await dots(page);
    expect(last).not.toEqual(first);

    await page.keyboard.press("Home");
    await expect.poll(() => dots(page)).toEqual(first);
  },

  "switches runs and plays to the end": async (page) => {
    await page.getByRole("radio", { name: /DPM-Solver\+\+.*10 steps/ }).check();
    await expect.poll(() => output(page)).toBe("step 1 of 10: t = 1000");
    const play = page.locator(".frame-scrubber button");
    await play.click();
    await expect.poll(() => output(page), { timeout: 10_000 }).toBe("the samples (t = 0), after all 10 steps");
    await expect.poll(() => play.getAttribute("aria-pressed")).toBe("false");
    // Playing ends on the samples themselves, not somewhere between the last two frames.
    const played = await dots(page);
    const range = page.locator(".frame-scrubber input[type=range]");
    await range.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => dots(page)).not.toEqual(played);
    await page.keyboard.press("End");
    await expect.poll(() => dots(page)).toEqual(played);
  },

  "draws the checkpoint grid: 7 checkpoints × 3 step counts": async (page) => {
    const labels = await page.locator("svg text").allTextContents();
    expect(labels.filter((text) => text.startsWith("W₁ "))).toHaveLength(21);
    for (const step of ["0", "250", "10,000"]) expect(labels).toContain(step);
  },

  "carries the run, the layers and the frame in the URL; a fresh page shows the same points": async (page) => {
    await page.getByRole("radio", { name: /DDIM.*50 steps/ }).check();
    await expect.poll(() => output(page)).toBe("step 1 of 50: t = 1000");
    await page.getByRole("checkbox", { name: /paths of/ }).check();
    await page.getByRole("checkbox", { name: "predicted x̂₀" }).uncheck();
    await page.locator(".frame-scrubber input[type=range]").focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => output(page)).toMatch(/^step 4 of 50: /);
    // The readout changes before the plot is redrawn: take the points once two reads agree.
    let points = await dots(page);
    for (let previous = ""; previous !== points;) {
      previous = points;
      await page.waitForTimeout(250);
      points = await dots(page);
    }
    await expectRoundTrip(page, "?run=ddim-50&show=trails&frame=3", async (fresh) => {
      await expect.poll(() => output(fresh)).toMatch(/^step 4 of 50: /);
      await expect.poll(() => dots(fresh)).toEqual(points);
    });
  },

  "a link with bad values says so, and shows the nearest view it can": async (page) => {
    const lines = await noticeFor(page, "?run=dpm-10&frame=40&show=x0,colour&speed=2", async (fresh) => {
      expect(await output(fresh)).toBe("the samples (t = 0), after all 10 steps");
      expect(await fresh.getByRole("checkbox", { name: "predicted x̂₀" }).isChecked()).toBe(true);
    });
    expect(lines).toEqual([
      'URL parameter show=x0,colour: "colour" dropped: choices are x0, trails.',
      "URL parameter “speed” is not a setting of this page: ignored.",
      "URL parameter frame=40: past the last frame of run dpm-10, 10; showing frame 10.",
    ]);
  },

  "samples the flow model from the Train page in the tab and scrubs its 100 Euler steps": async (page) => {
    await giveSessionModel(page, untrainedSessionModel({ model: { objective: "flow-matching" }, dataset: { name: "ring" } }));
    const first = await dots(page);
    await page.getByRole("radio", { name: /your model from the Train page \(flow matching, Euler, 100 steps; ring\)/ }).check();
    await expect.poll(() => output(page), { timeout: 20_000 }).toBe("step 1 of 100: t = 1");
    expect(await page.locator(".session-run-note").innerText()).toContain("Euler, 100 steps");
    await expect.poll(() => dots(page)).not.toEqual(first);
    const range = page.locator(".frame-scrubber input[type=range]");
    await range.focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("the samples (t = 0), after all 100 steps");
    await expect.poll(() => described(page)).toBe("256 points at t = 0");
    await expect.poll(() => page.evaluate(() => location.search)).toBe("?run=session&frame=100");
  },
};
