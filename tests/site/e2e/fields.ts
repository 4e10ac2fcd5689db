/**
 * The Fields page in the browser (its arrows and points on a canvas, read through the picture's
 * description and pixels): the built-in DDPM model's score as 17 × 17 arrows with 160 sampled points,
 * scrubbed from the keyboard and played along sampling; the sampler's steps drawn instead; the built-in
 * flow-matching model's velocity at the same step; the exact field drawn beneath; a flow model "trained
 * in this tab" (the built-in flow run's weights, put in sessionStorage as the Train page saves them),
 * whose field the page computes in the browser and draws as the build's precomputed run; and a stored
 * model it cannot read, ignored.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { defaultRun } from "../../../src/io/defaultRun.js";
import { runDirFor } from "../../../src/io/runCache.js";
import { loadCheckpoint } from "../../../src/io/runStore.js";
import type { PageChecks } from "../../support/browser.js";
import { giveSessionModel } from "../../support/sessionModelInPage.js";

export const path = "/fields";

const GRID = "17 × 17";
/** Issue 10's bar is 50 ms on a reader's machine; this shared test machine, under load, gets twice that. */
const PLAY_TASK_LIMIT_MS = 100;
const POINTS = 160;

const output = (page: Page) => page.locator(".frame-scrubber output").innerText();
/** What the picture says it draws (its arrows and points are on a canvas under the axes). */
const described = (page: Page) => page.locator(".field-picture svg").first().getAttribute("aria-description");

/** The picture's canvas pixels, RGBA. */
function pixels(page: Page): Promise<number[]> {
  return page.locator(".field-picture canvas").evaluate((canvas: HTMLCanvasElement) =>
    Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data)
  );
}

/** The pixels once two looks a moment apart agree: the readout changes before the picture is redrawn. */
async function settledPixels(page: Page): Promise<number[]> {
  const look = () => page.locator(".field-picture canvas").evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
  for (let previous = "", now = await look(); previous !== now;) {
    previous = now;
    await page.waitForTimeout(250);
    now = await look();
  }
  return pixels(page);
}

/** The share of channel values of two pictures that differ by more than `levels`. */
function differing(a: number[], b: number[], levels: number): number {
  expect(a.length).toBe(b.length);
  return a.filter((v, i) => Math.abs(v - b[i]) > levels).length / a.length;
}

export const checks: PageChecks["checks"] = {
  "draws the score as 17 × 17 arrows with 160 points, scrubbed from t = T to the last step with the keyboard": async (page) => {
    expect(await output(page)).toBe("t = 1000 of 1000 (step 1 of 24)");
    expect(await page.locator(".field-picture h2").innerText()).toContain("the score");
    expect(await described(page)).toBe(`Arrows of the learned field on a ${GRID} grid at t = 1000 of 1000, with ${POINTS} sampled points`);
    const first = await settledPixels(page);

    await page.locator(".frame-scrubber input[type=range]").focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("t = 2 of 1000 (step 24 of 24)");
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("t = 2 of 1000");
    await expect.poll(() => described(page)).toContain("at t = 2 of 1000, with 160 sampled points");
    const last = await settledPixels(page);
    expect(differing(first, last, 32)).toBeGreaterThan(0.001);

    await page.getByRole("checkbox", { name: "sampled points" }).uncheck();
    await expect.poll(() => described(page)).toBe(`Arrows of the learned field on a ${GRID} grid at t = 2 of 1000`);
  },

  "plays along sampling to the last step, repainting each frame in a short task": async (page) => {
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { fieldsLongTasks: number[] }).fieldsLongTasks = seen;
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => seen.push(entry.duration))).observe({ type: "longtask" });
    });
    const play = page.locator(".frame-scrubber button");
    await play.click();
    await expect.poll(() => output(page), { timeout: 15_000 }).toBe("t = 2 of 1000 (step 24 of 24)");
    await expect.poll(() => play.getAttribute("aria-pressed")).toBe("false");
    const longTasks = await page.evaluate(() => (window as unknown as { fieldsLongTasks: number[] }).fieldsLongTasks);
    console.log(`Fields: long tasks while playing (ms): ${JSON.stringify(longTasks.map(Math.round))}`);
    expect(Math.max(0, ...longTasks)).toBeLessThan(PLAY_TASK_LIMIT_MS);
  },

  "shows the flow-matching model's velocity at the step shown": async (page) => {
    await page.locator(".frame-scrubber input[type=range]").focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("t = 2 of 1000 (step 24 of 24)");
    await page.getByRole("radio", { name: /built-in flow matching/ }).check();
    await expect.poll(() => output(page)).toBe("t = 0.042 (step 24 of 24)");
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("−v̂(x, t)");
    await expect.poll(() => described(page)).toContain(`Arrows of the learned field on a ${GRID} grid at t = 0.042`);
  },

  "draws the exact field beneath and says how far the network's arrows are from it": async (page) => {
    await page.getByRole("checkbox", { name: /exact field of the data/ }).check();
    await expect.poll(() => described(page)).toContain("with the exact field beneath");
    // At t = T both fields are close to −x: a fraction of a degree apart.
    const caption = await page.locator(".field-picture h3").innerText();
    const angle = Number(caption.match(/arrows are ([\d.]+)° off it/)?.[1]);
    expect(angle).toBeLessThan(2);
    await page.getByRole("radio", { name: /all one length/ }).check();
    await expect.poll(() => page.locator(".field-picture h3").innerText()).toContain("every arrow drawn 0.9 of a cell long");
  },

  "draws where the sampler moves: DDIM's step, not the score, and says how far apart they are": async (page) => {
    await page.getByRole("radio", { name: /where the sampler moves/ }).check();
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("the DDIM step to t = 959 of 1000 at t = 1000 of 1000");
    expect(await described(page)).toContain(`Arrows of the sampler's step on a ${GRID} grid`);
    // The explanation quotes the first step's angle from the score: the built-in model's is far from 0.
    const text = await page.locator("main").innerText();
    // Every expression of the explanation ran: none is left as source text.
    expect(text).not.toContain("${");
    const angle = Number(text.match(/steps on the grid point ([\d.]+)° away from the score/)?.[1]);
    expect(angle).toBeGreaterThan(45);
    expect(text).toMatch(/They follow the score to\s+within 15° only from t = \d+ of 1000 on/);
  },

  "computes the field of a flow model trained in this tab in the browser, moving its points as the build did": async (page) => {
    const { config } = await defaultRun();
    const flowConfig = { ...config, model: { ...config.model, objective: "flow-matching" as const } };
    const { manifest, step, params } = await loadCheckpoint(await runDirFor(flowConfig));
    await giveSessionModel(page, { config: manifest.config, step, engine: "e2e", params });
    await page.locator(".field-picture canvas").waitFor();

    await page.getByRole("radio", { name: /built-in flow matching/ }).check();
    await expect.poll(() => output(page)).toBe("t = 1.000 (step 1 of 24)");
    await page.locator(".frame-scrubber input[type=range]").focus();
    await page.keyboard.press("End");
    await expect.poll(() => output(page)).toBe("t = 0.042 (step 24 of 24)");
    const built = await settledPixels(page);

    await page.getByRole("radio", { name: /your model from the Train page \(flow-matching, 10,000 steps\)/ }).check();
    await expect.poll(() => page.locator(".field-picture h2").innerText()).toContain("your model: −v̂(x, t) at t = 0.042");
    await expect.poll(() => described(page)).toContain(`at t = 0.042, with ${POINTS} sampled points`);
    const computed = await settledPixels(page);
    // The same weights on the same kernel, in the browser and in Deno: the same points and arrows, to
    // the antialiasing of a pixel's edge.
    expect(differing(computed, built, 16)).toBeLessThan(0.001);
  },

  "ignores a stored model it cannot read: the built-in models only, and no error": async (page) => {
    await page.evaluate(() => sessionStorage.setItem("chisel:session-model", '{"config": {}, "params": 12}'));
    await page.reload({ waitUntil: "load" });
    await page.locator(".field-picture canvas").waitFor();
    expect(await output(page)).toBe("t = 1000 of 1000 (step 1 of 24)");
    expect(await page.getByRole("radio", { name: /your model/ }).count()).toBe(0);
    expect(await page.getByRole("radio", { name: /built-in flow matching/ }).count()).toBe(1);
  },
};
