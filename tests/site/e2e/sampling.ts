/**
 * The Sampling page in the browser: the precomputed default view and its metrics; re-sampling when a
 * control changes (the oracle's numbers checked against src/core run here in Node, which computes the
 * same bits); a model "trained in this tab" (the default run's weights, put in sessionStorage as the
 * Train page saves them) sampling exactly like the default model; a flow-matching model of the reader's
 * own points sampled with Euler and Heun, its floor split-half; cancelling a run that a newer setting
 * replaces; staying responsive during a long run (sampling runs in a worker); and
 * the time to re-sample 512 points with the default model (printed; only loose sanity bounds asserted,
 * as the machine is shared). Every control is carried by the URL (a fresh page re-samples the same
 * points), and "Save as report config" downloads a config that `chisel report` rebuilds, from the
 * committed default run, into a report whose samples are the page's (within 1e-4: the fused kernel in
 * the browser against the fused kernel in Deno).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { JSDOM } from "jsdom";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { makeDataset } from "../../../src/core/datasets.js";
import { evaluate, prepareReference } from "../../../src/core/metrics.js";
import { oracleDenoiser } from "../../../src/core/oracle.js";
import { sample } from "../../../src/core/sample.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../../src/core/schedule.js";
import { defaultRun } from "../../../src/io/defaultRun.js";
import { loadCheckpoint } from "../../../src/io/runStore.js";
import { saveSessionModel, type SessionModel } from "../../../src/components/sessionModel.js";
import { initMlpParams } from "../../../src/core/mlp.js";
import { modelDims, parseTrainConfig } from "../../../src/core/training/config.js";
import { parseReportConfig } from "../../../src/core/reports/config.js";
import type { Report } from "../../../src/core/reports/report.js";
import { runDirFor } from "../../../src/io/runCache.js";
import type { PageChecks } from "../../support/browser.js";
import { chisel } from "../../support/cli.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";

export const path = "/sampling";

const STEPS = [10, 50, 1000];
const METRICS = ["swd", "mmd", "precision", "coverage"] as const;

const progress = (page: Page) => page.locator(".run-progress");

async function counters(page: Page): Promise<{ runs: number; abandoned: number; state: string }> {
  return progress(page).evaluate((element: HTMLElement) => ({
    runs: Number(element.dataset.runs),
    abandoned: Number(element.dataset.abandoned),
    state: element.dataset.state ?? "",
  }));
}

/** Waits for the run after `runs` earlier ones to end, with every panel drawn. */
async function settled(page: Page, runs: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (runs) => {
      const element = document.querySelector<HTMLElement>(".run-progress");
      const panels = [...document.querySelectorAll<HTMLElement>(".sampling-panel")];
      return Number(element?.dataset.runs) > runs && element?.dataset.state === "done" &&
        panels.length === 3 && panels.every((panel) => panel.dataset.state === "sampled");
    },
    runs,
    { timeout },
  );
}

/** The metrics table's full-precision values, one row per panel and the floor last. */
async function table(page: Page): Promise<{ label: string; values: number[] }[]> {
  return page.locator(".metrics-table tbody tr").evaluateAll((rows) =>
    rows.map((row) => ({
      label: row.querySelector("th")!.textContent!,
      values: [...row.querySelectorAll("td")].map((td) => Number((td as HTMLElement).dataset.value)),
    }))
  );
}

/** How many points a panel draws (its figure's data-points: the points are on a canvas). */
function panelPoints(page: Page, index: number): Promise<number> {
  return page.locator(".sampling-panel .sampling-scatter").nth(index).evaluate((figure) => Number((figure as HTMLElement).dataset.points));
}

async function typeInto(page: Page, label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(value);
}

/** Waits until the panels hold `steps` and every one is sampled (or precomputed), with the run done. */
async function showing(page: Page, steps: number[], timeout = 120_000): Promise<void> {
  await page.waitForFunction((steps) => {
    const panels = [...document.querySelectorAll<HTMLElement>(".sampling-panel")];
    return document.querySelector<HTMLElement>(".run-progress")?.dataset.state === "done" &&
      panels.map((panel) => panel.dataset.steps).join() === steps.join() &&
      panels.every((panel) => panel.dataset.state === "sampled" || panel.dataset.state === "precomputed");
  }, steps, { timeout });
}

/** "x,y" rows with a header, as numbers. */
function csvPoints(text: string): number[] {
  const [header, ...rows] = text.trim().split("\n");
  expect(header).toBe("x,y");
  return rows.flatMap((row) => row.split(",").map(Number));
}

async function download(page: Page, click: () => Promise<void>, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), click()]);
  const target = join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

/** Puts a model in the page's sessionStorage as the Train page saves it (through a jsdom Storage), and reloads. */
async function giveSessionModel(page: Page, model: Omit<SessionModel, "savedAt">): Promise<void> {
  const storage = new JSDOM("", { url: "http://127.0.0.1/" }).window.sessionStorage;
  saveSessionModel(model, storage);
  const saved = Array.from({ length: storage.length }, (_, i) => [storage.key(i)!, storage.getItem(storage.key(i)!)!]);
  await page.evaluate((entries) => entries.forEach(([key, value]) => sessionStorage.setItem(key, value)), saved);
  await page.reload({ waitUntil: "load" });
  await page.locator(".sampling-panel .sampling-scatter").first().waitFor();
}

export const checks: PageChecks["checks"] = {
  "shows the precomputed default view with its metrics before any sampling": async (page) => {
    const panels = page.locator(".sampling-panel");
    await expect.poll(() => panels.count()).toBe(3);
    expect(await panels.evaluateAll((list) => list.map((p) => `${(p as HTMLElement).dataset.steps} ${(p as HTMLElement).dataset.state}`)))
      .toEqual(STEPS.map((k) => `${k} precomputed`));
    expect(await counters(page)).toMatchObject({ runs: 0, state: "done" });
    const rows = await table(page);
    expect(rows.map((row) => row.label)).toEqual(["10 steps", "50 steps", "1000 steps", "floor: fresh data, n = 512"]);
    for (const { values } of rows) {
      expect(values).toHaveLength(4);
      const [swd, mmd, precision, coverage] = values;
      expect(swd).toBeGreaterThan(0);
      expect(mmd).toBeGreaterThanOrEqual(0);
      for (const share of [precision, coverage]) expect(share >= 0 && share <= 1).toBe(true);
    }
    // Ten steps leave the spiral smeared: farther from the data than 1000 steps.
    expect(rows[0].values[0]).toBeGreaterThan(rows[2].values[0]);
    // The quality chart: one line per sampler.
    expect(await page.locator("svg [aria-label=line] path").count()).toBeGreaterThanOrEqual(3);
  },

  "re-samples with the oracle when controls change, matching the same run in Node": async (page) => {
    await page.getByRole("radio", { name: "the exact oracle" }).check();
    await typeInto(page, "Points n", "16");
    await typeInto(page, "Seed", "7");
    // Changes close together may make one run (the page is never busy in between): once the link holds
    // all of them, the run that ends last is theirs.
    await expect.poll(() => new URL(page.url()).search).toBe("?model=oracle&seed=7&n=16");
    await settled(page, 0);
    expect(await panelPoints(page, 1)).toBe(16);

    const schedule = makeSchedule(DEFAULT_SCHEDULE);
    const data = makeDataset("spiral", { n: 2048, seed: 0 });
    const reference = prepareReference(data);
    const rows = await table(page);
    for (const [i, steps] of STEPS.entries()) {
      const { samples } = await sample({ schedule, denoiser: oracleDenoiser(schedule, data), sampler: "ddpm", variance: "betaTilde", steps, n: 16, seed: 7 });
      const expected = evaluate(samples, reference);
      expect(rows[i].label).toBe(`${steps} steps`);
      METRICS.forEach((key, j) => expect(rows[i].values[j], `${steps} steps, ${key}`).toBeCloseTo(expected[key], 9));
    }
  },

  "samples with the model trained in this tab, exported to ONNX in the browser": async (page) => {
    const { dir } = await defaultRun();
    const { manifest, step, params } = await loadCheckpoint(dir);
    await giveSessionModel(page, { config: manifest.config, step, engine: "e2e", params });
    const yours = page.getByRole("radio", { name: /your model from the Train page/ });
    expect(await yours.count()).toBe(1);

    // The same weights as the default model: the same samples, to the last bit.
    await typeInto(page, "Seed", "4");
    await settled(page, 0);
    const trained = await table(page);
    await yours.check();
    await settled(page, 1);
    expect(await table(page)).toEqual(trained);
  },

  "samples a flow-matching model trained in this tab on its own points, with Euler and Heun": async (page) => {
    const config = parseTrainConfig({ model: { objective: "flow-matching" }, dataset: { file: "mine.csv", sha256: "a".repeat(64) } });
    const points = makeDataset("moons", { n: 200, seed: 3 });
    await giveSessionModel(page, { config, step: 300, engine: "e2e", params: initMlpParams(1, modelDims(config.model)), points });
    await page.getByRole("radio", { name: /your model from the Train page \(flow matching, your 200 points, 300 steps\)/ }).check();
    // The flow model's samplers, and none of DDPM's.
    await page.getByRole("radio", { name: "Euler", exact: true }).waitFor();
    expect(await page.getByRole("radio", { name: "Euler", exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: "DDIM", exact: true }).count()).toBe(0);
    await settled(page, 0);
    const { runs } = await counters(page);
    await page.getByRole("radio", { name: "Heun", exact: true }).check();
    await settled(page, runs);
    expect(await panelPoints(page, 2)).toBe(512);
    const rows = await table(page);
    expect(rows.at(-1)!.label).toBe("floor: half the training points against the other half, n = 512");
    expect(await page.locator(".sampling-panels").getAttribute("data-status")).toBe("done");
    // The link keeps the flow sampler (a fresh tab has no session model: samplingSession.test.ts checks the fallback).
    await expect.poll(() => new URL(page.url()).searchParams.get("sampler")).toBe("heun");
    expect(await page.locator(".report-config-note").innerText()).toMatch(/chisel -- report --config/);
  },

  "cancels a run when a control changes during it": async (page) => {
    await page.getByRole("radio", { name: "the exact oracle" }).check();
    await settled(page, 0);
    const start = await counters(page);
    // 4096 points × 2048 training points × 1060 steps: tens of seconds with the oracle.
    await typeInto(page, "Points n", "4096");
    await page.waitForFunction((runs) => Number(document.querySelector<HTMLElement>(".run-progress")?.dataset.runs) > runs, start.runs);
    await page.waitForTimeout(500);
    const changed = performance.now();
    await typeInto(page, "Points n", "32");
    await settled(page, start.runs + 1, 60_000);
    const seconds = (performance.now() - changed) / 1000;
    const end = await counters(page);
    expect(end.abandoned).toBe(start.abandoned + 1);
    expect(end.runs).toBe(start.runs + 2);
    expect(await panelPoints(page, 2)).toBe(32);
    console.log(`sampling: a 4096-point oracle run was replaced by a 32-point one, done ${seconds.toFixed(2)} s after the change`);
  },

  "re-samples 512 points with the default model, staying responsive (timings printed)": async (page) => {
    const { runs } = await counters(page);
    // The first change loads the model; the timed runs come after it.
    await typeInto(page, "Seed", "1");
    await settled(page, runs);
    const timings: number[][] = [];
    let longestGap = 0;
    for (const seed of ["2", "3"]) {
      const before = await table(page);
      const { runs: done } = await counters(page);
      // Timer ticks every 10 ms while the run goes: the longest gap is how long the page was unresponsive.
      const gap = page.evaluate((done) =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let longest = 0;
          const timer = setInterval(() => {
            const now = performance.now();
            longest = Math.max(longest, now - last);
            last = now;
            const element = document.querySelector<HTMLElement>(".run-progress");
            if (Number(element?.dataset.runs) > done && element?.dataset.state === "done") {
              clearInterval(timer);
              resolve(longest);
            }
          }, 10);
        }), done);
      await typeInto(page, "Seed", seed);
      await settled(page, done);
      longestGap = Math.max(longestGap, await gap);
      timings.push(await page.locator(".sampling-panel").evaluateAll((panels) => panels.map((p) => Number((p as HTMLElement).dataset.ms))));
      expect(await table(page)).not.toEqual(before);
    }
    const text = timings.map((ms) => ms.map((v, i) => `${STEPS[i]} steps ${v.toFixed(0)} ms`).join(", ")).join("; ");
    console.log(`sampling: default model, 512 points: ${text}; longest gap between 10 ms timer ticks ${longestGap.toFixed(0)} ms`);
    for (const [, fifty, thousand] of timings) {
      expect(fifty).toBeGreaterThan(0);
      expect(fifty).toBeLessThan(5_000);
      expect(thousand).toBeLessThan(60_000);
    }
    expect(longestGap).toBeLessThan(1_000);
  },

  "carries every control in the URL; a fresh page re-samples the same points": async (page) => {
    await page.getByRole("radio", { name: "the exact oracle" }).check();
    await page.getByRole("radio", { name: "DDIM", exact: true }).check();
    await page.getByRole("spinbutton", { name: "DDIM η", exact: true }).fill("0.5");
    await page.getByRole("spinbutton", { name: "Panel A steps", exact: true }).fill("5");
    await page.getByRole("spinbutton", { name: "Panel B steps", exact: true }).fill("20");
    await page.getByRole("spinbutton", { name: "Panel C steps", exact: true }).fill("100");
    await typeInto(page, "Seed", "7");
    await typeInto(page, "Points n", "64");
    await page.getByLabel("Metric", { exact: true }).selectOption("coverage");
    await showing(page, [5, 20, 100]);
    // The oracle is no trained model: there is no report config to save.
    expect(await page.getByRole("button", { name: "Save as report config" }).isDisabled()).toBe(true);
    expect(await page.locator(".report-config-note").innerText()).toMatch(/^The exact oracle is no trained model/);
    expect(await panelPoints(page, 2)).toBe(64);
    // The metrics, to full precision, stand for the points: the same numbers from the same samples.
    const metrics = await table(page);
    await expectRoundTrip(page, "?model=oracle&sampler=ddim&eta=0.5&steps=5,20,100&seed=7&n=64&metric=coverage", async (fresh) => {
      await showing(fresh, [5, 20, 100]);
      expect(await table(fresh)).toEqual(metrics);
    });
  },

  "a link with bad values says so, and samples with what it could read": async (page) => {
    const lines = await noticeFor(page, "?model=session&n=5&steps=10,50&eta=3&sampler=ddim", async (fresh) => {
      expect(await fresh.getByRole("radio", { name: "the trained model", exact: false }).isChecked()).toBe(true);
      expect(await fresh.getByRole("spinbutton", { name: "Points n", exact: true }).inputValue()).toBe("16");
      expect(await fresh.getByRole("spinbutton", { name: "DDIM η", exact: true }).inputValue()).toBe("1");
      await showing(fresh, [10, 50, 1000]);
      expect(await panelPoints(fresh, 0)).toBe(16);
      expect(await fresh.locator("#observablehq-main").innerText()).not.toMatch(/NaN/);
    });
    expect(lines).toEqual([
      "URL parameter model=session: is the model trained on the Train page in this browser tab, and this tab has none; using the default, default.",
      "URL parameter n=5: must be an integer from 16 to 4096: clamped to 16.",
      "URL parameter steps=10,50: must list 3 step counts from 1 to 1000, like 10,50,1000; using the default, 10,50,1000.",
      "URL parameter eta=3: must be a number in [0, 1]: clamped to 1.",
    ]);
  },

  "saves a report config that chisel report rebuilds, from the committed run, into the page's samples": async (page) => {
    await page.getByRole("radio", { name: "DPM-Solver++", exact: true }).check();
    await page.getByRole("spinbutton", { name: "Panel B steps", exact: true }).fill("20");
    await page.getByRole("spinbutton", { name: "Panel C steps", exact: true }).fill("50");
    await typeInto(page, "Seed", "3");
    await typeInto(page, "Points n", "128");
    await showing(page, [10, 20, 50]);
    const dir = mkdtempSync(join(tmpdir(), "chisel-sampling-report-"));
    try {
      // The page's samples, as its CSV buttons hand them out.
      const shown = new Map<number, number[]>();
      for (const [i, steps] of [10, 20, 50].entries()) {
        const file = await download(page, () => page.locator(".sampling-panel").nth(i).locator("button.samples-csv").click(), dir);
        expect(basename(file)).toBe(`samples-dpm-solver++-${steps}-seed-3.csv`);
        shown.set(steps, csvPoints(readFileSync(file, "utf8")));
        expect(shown.get(steps)).toHaveLength(2 * 128);
      }
      const configFile = await download(page, () => page.getByRole("button", { name: "Save as report config" }).click(), dir);
      const config = parseReportConfig(JSON.parse(readFileSync(configFile, "utf8")));
      expect(config.name).toBe("sampling-default-dpm-solver-seed-3-n-128");
      expect(config).toMatchObject({ samplers: [{ sampler: "dpm-solver++" }], steps: [10, 20, 50], seeds: [3], n: 128 });

      // The committed default run, copied: the CLI must find it there and train nothing.
      const runs = join(dir, "runs");
      const run = await runDirFor(config.runs[0].train);
      expect(existsSync(join(run, "manifest.json")), `${run} is the committed default run`).toBe(true);
      cpSync(run, join(runs, basename(run)), { recursive: true });
      const reports = join(dir, "reports");
      const cli = chisel("report", "--config", configFile, "--reports-dir", reports, "--runs-dir", runs, "--parallel", "1", "--quiet");
      expect(cli.code, cli.stderr).toBe(0);
      const report: Report = JSON.parse(readFileSync(join(reports, config.name, "report.json"), "utf8"));
      expect(report.runs[0].trained).toBe(false);
      expect(report.runs[0].samples.map((s) => `${s.samplerId} ${s.steps} ${s.seed}`)).toEqual([10, 20, 50].map((k) => `dpm-solver-pp ${k} 3`));
      let largest = 0;
      for (const entry of report.runs[0].samples) {
        const rebuilt = csvPoints(readFileSync(join(reports, config.name, "run-0", entry.file), "utf8"));
        const drawn = shown.get(entry.steps)!;
        expect(rebuilt).toHaveLength(drawn.length);
        rebuilt.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - drawn[i]))));
      }
      console.log(`sampling: the rebuilt report's samples differ from the page's by at most ${largest.toExponential(2)}`);
      expect(largest).toBeLessThan(1e-4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
