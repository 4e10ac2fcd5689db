/**
 * The denoising page in the browser: the t and q controls redraw the plots and the errors, q = 0 scores
 * mean ‖ε‖² (computed here from the same seeded ε) and q = 1 the exact oracle (computed here in Node on
 * the same points), and the worked reverse step lands on x̂_0 at t = 1. Every control is carried by the
 * URL: a fresh page opened on it shows the same errors and the same worked step. A DDPM model from the
 * Train page is offered, runs on its own schedule and points (its oracle error computed here), and goes
 * in the URL; a flow model is not offered, with the reason.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { NOISE_SEED } from "../../../src/data/views/denoising.js";
import { makeDataset } from "../../../src/core/datasets.js";
import { noiseError } from "../../../src/core/denoisingTask.js";
import { qSample } from "../../../src/core/forward.js";
import { oracleDenoiser } from "../../../src/core/oracle.js";
import { toPrediction } from "../../../src/core/parameterization.js";
import { Rng } from "../../../src/core/random.js";
import { makeSchedule } from "../../../src/core/schedule.js";
import { parseTrainConfig } from "../../../src/core/training/config.js";
import type { PageChecks } from "../../support/browser.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";
import { giveSessionModel, untrainedSessionModel } from "../../support/sessionModelInPage.js";

export const path = "/denoising";

const config = JSON.parse(readFileSync(new URL("../../../data/configs/default.json", import.meta.url), "utf8"));
const x0 = makeDataset(config.dataset.name, config.dataset);
const eps = new Rng(NOISE_SEED).normals(x0.length);
const schedule = makeSchedule(config.schedule);

/** mean over points of ‖ε‖², summed here in a plain loop. */
function meanSquaredNorm(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return sum / (values.length / 2);
}

function oracleError(t: number, model = { schedule, x0, eps }): number {
  const { xt } = qSample(model.schedule, model.x0, t - 1, model.eps);
  const output = oracleDenoiser(model.schedule, model.x0).predict(xt, t - 1) as Float64Array;
  return noiseError(toPrediction("x0", output, xt, model.schedule.alphaBars[t - 1]).eps, model.eps).perPoint;
}

/** A DDPM model of the moons with a short schedule, as if trained on the Train page. */
const SESSION_CONFIG = { model: { hidden: [16, 16] }, schedule: { T: 50 }, dataset: { name: "moons", n: 300, seed: 2 } };
const sessionTask = (() => {
  const data = makeDataset("moons", { n: 300, seed: 2 });
  return { schedule: makeSchedule(parseTrainConfig(SESSION_CONFIG).schedule), x0: data, eps: new Rng(NOISE_SEED).normals(data.length) };
})();

const error = async (page: Page, predictor: string) =>
  Number(await page.locator(`tr[data-predictor=${predictor}] .per-point`).getAttribute("data-value"));

/** Types a value into a slider's number box, as a reader would. */
async function setSlider(page: Page, label: string, value: number): Promise<void> {
  await page.getByRole("spinbutton", { name: label, exact: true }).fill(String(value));
}

/** The comparison's markup and the pixels of its canvases, where the points are drawn. */
const comparison = (page: Page) =>
  page.locator(".denoising-comparison").evaluate((element) =>
    element.innerHTML + [...element.querySelectorAll("canvas")].map((canvas) => canvas.toDataURL()).join()
  );

export const checks: PageChecks["checks"] = {
  "t redraws the plots and the errors": async (page) => {
    expect(await page.locator("h2", { hasText: "Step t = 100 of" }).count()).toBe(1);
    const before = { plots: await comparison(page), network: await error(page, "network"), oracle: await error(page, "oracle") };
    expect(before.oracle).toBeCloseTo(oracleError(100), 9);
    await setSlider(page, "Step t", 300);
    await expect.poll(() => page.locator("h2", { hasText: "Step t = 300 of" }).count()).toBe(1);
    await expect.poll(() => error(page, "oracle")).not.toBe(before.oracle);
    expect(await error(page, "oracle")).toBeCloseTo(oracleError(300), 9);
    expect(await error(page, "network")).not.toBe(before.network);
    expect(await comparison(page)).not.toBe(before.plots);
    // ε is one draw reused at every t, so predicting zeros scores the same ‖ε‖² at both.
    expect(await error(page, "zeros")).toBeCloseTo(meanSquaredNorm(eps), 12);
  },

  "q = 0 scores mean ‖ε‖², q = 1 the oracle's error": async (page) => {
    const plots = await comparison(page);
    await setSlider(page, "Blend q", 0);
    await expect.poll(() => error(page, "blend")).toBeCloseTo(meanSquaredNorm(eps), 12);
    expect(await page.locator(".denoising-comparison h2", { hasText: "Predicts zeros" }).count()).toBe(1);
    expect(await comparison(page)).not.toBe(plots);
    await setSlider(page, "Blend q", 0.5);
    await expect.poll(() => error(page, "blend")).toBeLessThan(meanSquaredNorm(eps));
    await setSlider(page, "Blend q", 1);
    await expect.poll(() => error(page, "blend")).toBeCloseTo(oracleError(100), 9);
    expect(await error(page, "blend")).toBe(await error(page, "oracle"));
  },

  "the worked reverse step at t = 1 lands on x̂_0 with no noise": async (page) => {
    await setSlider(page, "Step t", 1);
    await expect.poll(() => page.locator(".reverse-step tr.z td:last-child").innerText()).toBe("(0, 0)");
    const x0Text = await page.locator(".reverse-step tr.x0 td:last-child").innerText();
    const [x, y] = x0Text.slice(1, -1).split(", ");
    const landed = await page.locator(".reverse-step tr.x-prev td:last-child").innerText();
    expect(landed).toContain(`= ${x}`);
    expect(landed).toContain(`= ${y}`);
    expect(await page.locator(".reverse-step tr.coef-x0 td:last-child").innerText()).toBe("1");
  },

  "carries t, q and the worked step's settings in the URL; a fresh page shows the same numbers": async (page) => {
    await setSlider(page, "Step t", 300);
    await setSlider(page, "Blend q", 0.5);
    await setSlider(page, "Point", 17);
    await page.getByRole("radio", { name: "q · oracle", exact: true }).check();
    await page.getByRole("radio", { name: "σ² = β_t", exact: true }).check();
    await setSlider(page, "Seed of z", 9);
    await expect.poll(() => page.locator("h2", { hasText: "Point 17, t = 300 → 299" }).count()).toBe(1);
    const view = await expectRoundTrip(page, "?t=300&q=0.5&point=17&from=blend&noise=beta&zSeed=9");
    expect(view.text).toContain("with x̂0 from the blend q = 0.5");
    // The oracle's error at t = 300, computed here, is what both pages print.
    expect(await error(page, "oracle")).toBeCloseTo(oracleError(300), 9);
  },

  "a link with bad values says so, clamps what it can and keeps the defaults otherwise": async (page) => {
    const lines = await noticeFor(page, "?q=2&point=-4&from=oracle&t=1.5", async (fresh) => {
      expect(await fresh.getByRole("spinbutton", { name: "Blend q", exact: true }).inputValue()).toBe("1");
      expect(await fresh.getByRole("spinbutton", { name: "Point", exact: true }).inputValue()).toBe("0");
      expect(await fresh.getByRole("radio", { name: "trained network" }).isChecked()).toBe(true);
      await expect.poll(() => fresh.locator("h2", { hasText: "Step t = 2 of" }).count()).toBe(1);
      expect(await error(fresh, "oracle")).toBeCloseTo(oracleError(2), 9);
    });
    expect(lines).toEqual([
      "URL parameter q=2: must be a number in [0, 1]: clamped to 1.",
      "URL parameter point=-4: must be an integer from 0 to 2047: clamped to 0.",
      "URL parameter from=oracle: must be one of network, blend; using the default, network.",
      "URL parameter t=1.5: not an integer: rounded to 2.",
    ]);
  },

  "offers the DDPM model from the Train page, runs it on its own data and keeps it in the URL": async (page) => {
    await giveSessionModel(page, untrainedSessionModel(SESSION_CONFIG));
    const choice = page.getByRole("radio", { name: /your model from the Train page \(DDPM, two moons/ });
    await choice.check();
    // t = 100 is past its T = 50: the page keeps t within the model's range.
    await expect.poll(() => page.locator("h2", { hasText: "Step t = 50 of 50" }).count()).toBe(1);
    await expect.poll(() => error(page, "oracle")).toBeCloseTo(oracleError(50, sessionTask), 9);
    expect(await page.locator(".session-description").innerText()).toContain("300 points");
    await expect.poll(() => page.evaluate(() => location.search)).toBe("?model=session");
    await page.getByRole("radio", { name: /the trained model/ }).check();
    await expect.poll(() => page.locator("h2", { hasText: "Step t = 50 of 1000" }).count()).toBe(1);
    // The heading follows t at once; the oracle's answer comes from its worker after.
    await expect.poll(() => error(page, "oracle")).toBeCloseTo(oracleError(50), 9);
  },

  "does not offer a flow model from the Train page, and says why": async (page) => {
    await giveSessionModel(page, untrainedSessionModel({ model: { objective: "flow-matching" } }));
    await page.locator(".session-refusal").waitFor();
    expect(await page.locator(".session-refusal").innerText()).toContain("Fields page");
    expect(await page.getByRole("radio", { name: /your model from the Train page/ }).count()).toBe(0);
  },
};
