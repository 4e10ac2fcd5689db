/**
 * The Fields page in the browser: the built-in DDPM model's score as 17 × 17 arrows with 160 sampled
 * points, scrubbed from the keyboard and played along sampling; the built-in flow-matching model's
 * velocity at the same step; the exact field drawn beneath; and a flow model "trained in this tab" (the
 * built-in flow run's weights, put in sessionStorage as the Train page saves them), whose field the
 * page computes in the browser and which moves its points as the build's precomputed run does.
 */
import { JSDOM } from "jsdom";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { saveSessionModel } from "../../../src/components/sessionModel.js";
import { defaultRun } from "../../../src/io/defaultRun.js";
import { runDirFor } from "../../../src/io/runCache.js";
import { loadCheckpoint } from "../../../src/io/runStore.js";
import type { PageChecks } from "../../support/browser.js";

export const path = "/fields";

const ARROWS = 17 * 17;
const POINTS = 160;

const output = (page: Page) => page.locator(".frame-scrubber output").innerText();
const picture = (page: Page) => page.locator(".field-picture svg").first();

/** The sampled points' centres in the picture, as numbers. */
function dots(page: Page): Promise<number[][]> {
  return picture(page).evaluate((svg) =>
    [...svg.querySelectorAll(".field-samples circle")].map((c) => [Number(c.getAttribute("cx")), Number(c.getAttribute("cy"))])
  );
}

/** The points once two reads a moment apart agree: the readout changes before the picture is redrawn. */
async function settledDots(page: Page): Promise<number[][]> {
  let points = await dots(page);
  for (let previous: number[][] = []; JSON.stringify(previous) !== JSON.stringify(points);) {
    previous = points;
    await page.waitForTimeout(250);
    points = await dots(page);
  }
  return points;
}

export const checks: PageChecks["checks"] = {
  "draws the score as 17 × 17 arrows with 160 points, scrubbed from t = T to the last step with the keyboard": async (page) => {
    expect(await output(page)).toBe("t = 1000 of 1000 (step 1 of 24)");
    expect(await page.locator(".field-picture h2").innerText()).toContain("the score");
    expect(await picture(page).locator(".field-learned path").count()).toBe(ARROWS);
    const first = await dots(page);
    expect(first).toHaveLength(POINTS);

    await page.locator(".frame-scrubber input[type=range]").focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("t = 2 of 1000 (step 24 of 24)");
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("t = 2 of 1000");
    const last = await settledDots(page);
    expect(last).toHaveLength(POINTS);
    expect(last).not.toEqual(first);

    await page.getByRole("checkbox", { name: "sampled points" }).uncheck();
    await expect.poll(() => dots(page)).toEqual([]);
  },

  "plays along sampling to the last step": async (page) => {
    const play = page.locator(".frame-scrubber button");
    await play.click();
    await expect.poll(() => output(page), { timeout: 15_000 }).toBe("t = 2 of 1000 (step 24 of 24)");
    await expect.poll(() => play.getAttribute("aria-pressed")).toBe("false");
  },

  "shows the flow-matching model's velocity at the step shown": async (page) => {
    await page.locator(".frame-scrubber input[type=range]").focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("t = 2 of 1000 (step 24 of 24)");
    await page.getByRole("radio", { name: /built-in flow matching/ }).check();
    await expect.poll(() => output(page)).toBe("t = 0.042 (step 24 of 24)");
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("−v̂(x, t)");
    expect(await picture(page).locator(".field-learned path").count()).toBe(ARROWS);
  },

  "draws the exact field beneath and says how far the network's arrows are from it": async (page) => {
    await page.getByRole("checkbox", { name: /exact field of the data/ }).check();
    await expect.poll(() => picture(page).locator(".field-exact path").count()).toBe(ARROWS);
    // At t = T both fields are close to −x: a fraction of a degree apart.
    const caption = await page.locator(".field-picture h3").innerText();
    const angle = Number(caption.match(/arrows are ([\d.]+)° off it/)?.[1]);
    expect(angle).toBeLessThan(2);
    await page.getByRole("radio", { name: /all one length/ }).check();
    await expect.poll(() => page.locator(".field-picture h3").innerText()).toContain("every arrow drawn one cell long");
  },

  "computes the field of a flow model trained in this tab in the browser, moving its points as the build did": async (page) => {
    const { config } = await defaultRun();
    const flowConfig = { ...config, model: { ...config.model, objective: "flow-matching" as const } };
    const { manifest, step, params } = await loadCheckpoint(await runDirFor(flowConfig));
    // Saved as the Train page saves it, into a jsdom Storage, then copied into the page's.
    const storage = new JSDOM("", { url: "http://127.0.0.1/" }).window.sessionStorage;
    saveSessionModel({ config: manifest.config, step, engine: "e2e", params }, storage);
    const saved = Array.from({ length: storage.length }, (_, i) => [storage.key(i)!, storage.getItem(storage.key(i)!)!]);
    await page.evaluate((entries) => entries.forEach(([key, value]) => sessionStorage.setItem(key, value)), saved);
    await page.reload({ waitUntil: "load" });
    await picture(page).waitFor();

    await page.getByRole("radio", { name: /built-in flow matching/ }).check();
    await expect.poll(() => output(page)).toBe("t = 1.000 (step 1 of 24)");
    await page.locator(".frame-scrubber input[type=range]").focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("t = 0.042 (step 24 of 24)");
    const built = await settledDots(page);

    await page.getByRole("radio", { name: /your model from the Train page \(flow-matching, 10,000 steps\)/ }).check();
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("your model: −v̂(x, t) at t = 0.042");
    const computed = await settledDots(page);
    expect(computed).toHaveLength(POINTS);
    // The same weights on the same kernel, in the browser and in Deno: within a hundredth of a pixel.
    computed.forEach(([x, y], i) => {
      expect(Math.abs(x - built[i][0]), `point ${i}`).toBeLessThan(0.01);
      expect(Math.abs(y - built[i][1]), `point ${i}`).toBeLessThan(0.01);
    });
  },
};
