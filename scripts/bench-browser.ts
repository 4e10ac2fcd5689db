/**
 * `npm run bench:browser`: the browser rows of the speed table, measured in headless Chromium on a built
 * site. It builds nothing: it serves an existing build (default ./dist) on 127.0.0.1 and drives Debian's
 * Chromium (tests/support/browser.ts; no browser is downloaded). One line per row, with its goal; a row
 * that cannot be measured says n/a and why, and the others still run.
 *
 *   deno run -A scripts/bench-browser.ts [dist] [rows]
 *
 * dist may also be the URL of a running site (e.g. `npm run dev`'s).
 * rows: a comma-separated choice of sampling, train, denoising, trajectories (default: all).
 * Main-thread tasks are the browser's long-task timing (every task over 50 ms). Timings wander with the
 * machine's load: run it with nothing else going.
 */

import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../tests/support/browser.ts";
import { serveStatic } from "../tests/support/staticServer.ts";

const dist = Deno.args[0] ?? "dist";
const ROWS = ["sampling", "train", "denoising", "trajectories"];
const chosen = (Deno.args[1] ?? ROWS.join(",")).split(",");
if (!chosen.every((name) => ROWS.includes(name))) {
  console.error(`rows must be a comma-separated choice of ${ROWS.join(", ")}, got ${Deno.args[1]}`);
  Deno.exit(2);
}

interface Row {
  what: string;
  figure: string;
  goal: string;
}

declare global {
  interface Window {
    /** Durations of the long tasks since `watchTasks`. */
    benchTasks: number[];
  }
}

/** Starts recording long tasks on the page. */
function watchTasks(page: Page): Promise<void> {
  return page.evaluate(() => {
    window.benchTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.benchTasks.push(entry.duration);
    }).observe({ type: "longtask" });
  });
}

/** The longest task since `watchTasks` ("none" under 50 ms), after a pause that lets the last report arrive. */
async function longestTask(page: Page): Promise<string> {
  await page.waitForTimeout(300);
  const tasks = await page.evaluate(() => window.benchTasks);
  return tasks.length === 0 ? "no task over 50 ms" : `longest task ${Math.round(Math.max(...tasks))} ms (${tasks.length} over 50 ms)`;
}

const ms = (value: number) => (value >= 2000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`);
const range = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 1 ? ms(sorted[0]) : `${ms(sorted[0])}–${ms(sorted.at(-1)!)} (median ${ms(sorted[Math.floor(sorted.length / 2)])})`;
};

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url, { waitUntil: "load" });
  return page;
}

// ---- Sampling ----------------------------------------------------------------------------------------

/**
 * Arms a watch for the next sampling run: it has ended when a run has been seen to start after this call
 * and every panel is sampled. The panel grid's `data-status` ("running" | "done") is used where the page
 * has it; otherwise the `.run-progress` counters the e2e test reads.
 */
function armRunWatch(page: Page): Promise<void> {
  return page.evaluate(() => {
    const progress = document.querySelector<HTMLElement>(".run-progress");
    const before = Number(progress?.dataset.runs ?? 0);
    const win = window as unknown as { benchRunStarted: boolean; benchRunsBefore: number; benchStart: number };
    win.benchRunStarted = false;
    win.benchRunsBefore = before;
    new MutationObserver(() => {
      const grid = [...document.querySelectorAll<HTMLElement>("[data-status]")].find((element) => element.querySelector(".sampling-panel"));
      if (grid?.dataset.status === "running") win.benchRunStarted = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    win.benchStart = performance.now();
  });
}

/** Waits for the armed run to end; the milliseconds from arming, and each panel's own `data-ms`. */
async function runEnded(page: Page, timeout: number): Promise<{ wall: number; panels: { steps: number; ms: number }[] }> {
  await page.waitForFunction(() => {
    const win = window as unknown as { benchRunStarted: boolean; benchRunsBefore: number };
    const panels = [...document.querySelectorAll<HTMLElement>(".sampling-panel")];
    const sampled = panels.length > 0 && panels.every((panel) => panel.dataset.state === "sampled");
    const grid = [...document.querySelectorAll<HTMLElement>("[data-status]")].find((element) => element.querySelector(".sampling-panel"));
    if (grid) return win.benchRunStarted && grid.dataset.status === "done" && sampled;
    const progress = document.querySelector<HTMLElement>(".run-progress");
    return Number(progress?.dataset.runs) > win.benchRunsBefore && progress?.dataset.state === "done" && sampled;
  }, undefined, { timeout, polling: 5 });
  return page.evaluate(() => ({
    wall: performance.now() - (window as unknown as { benchStart: number }).benchStart,
    panels: [...document.querySelectorAll<HTMLElement>(".sampling-panel")].map((panel) => ({
      steps: Number(panel.dataset.steps),
      ms: panel.dataset.ms ? Number(panel.dataset.ms) : NaN,
    })),
  }));
}

async function changeSampling(page: Page, label: string, value: string, timeout = 120_000) {
  await armRunWatch(page);
  await page.getByLabel(label, { exact: true }).fill(value);
  return runEnded(page, timeout);
}

async function samplingRows(browser: Browser, base: string): Promise<Row[]> {
  const page = await openPage(browser, `${base}/sampling`);
  await page.locator(".sampling-panel").first().waitFor();
  // The first change loads the model; the timed ones come after it.
  await changeSampling(page, "Seed", "1");
  const byPanel = new Map<number, number[]>();
  for (const seed of ["2", "3", "4"]) {
    for (const { steps, ms } of (await changeSampling(page, "Seed", seed)).panels) byPanel.set(steps, [...byPanel.get(steps) ?? [], ms]);
  }
  const panel = (steps: number) => {
    const times = byPanel.get(steps);
    if (!times) return `n/a: no ${steps}-step panel on the page`;
    if (times.some(Number.isNaN)) return "n/a: the panels carry no data-ms";
    return `${range(times)} (3 seeds, 512 points)`;
  };
  const rows: Row[] = [
    { what: "Sampling page, 1000-step panel after a change", figure: panel(1000), goal: "≤ 0.7 s" },
    { what: "Sampling page, 50-step panel after a change", figure: panel(50), goal: "≤ 40 ms" },
  ];
  await watchTasks(page);
  const big = await changeSampling(page, "Points n", "4096", 300_000);
  rows.push({
    what: "Sampling page, n = 4096, three panels",
    figure: `${ms(big.wall)} from the change to the last panel; ${await longestTask(page)}`,
    goal: "≤ 5 s, no task over 50 ms",
  });
  await page.close();
  return rows;
}

// ---- Train -------------------------------------------------------------------------------------------

const TRAIN_STEPS = 500;
const TRAIN_BATCH = 1024;

/** Trains TRAIN_STEPS at TRAIN_BATCH on `backend`; the engine it ran on and its steps per second. */
async function trainRun(page: Page, backend: string): Promise<{ engine: string; rate: number }> {
  await page.getByLabel("Backend").selectOption(backend);
  await page.getByLabel("Training steps").fill(String(TRAIN_STEPS));
  await page.getByLabel("Batch size").fill(String(TRAIN_BATCH));
  await page.getByRole("button", { name: "Train" }).click();
  await page.waitForFunction(() => document.querySelector(".train-panel")?.getAttribute("data-phase") === "finished", undefined, { timeout: 300_000 });
  const status = await page.locator(".train-status").innerText();
  const done = status.match(/^Completed \d+ steps on (.+?) in .*\(([\d.e+-]+) steps\/s on average\)/);
  if (!done) throw new Error(`the run did not complete: ${status}`);
  return { engine: done[1], rate: Number(done[2]) };
}

async function trainRow(browser: Browser, base: string): Promise<Row> {
  const page = await openPage(browser, `${base}/train`);
  const choice = page.locator(".train-controls-auto");
  await page.waitForFunction(() => /^auto trains on/.test(document.querySelector(".train-controls-auto")?.textContent ?? ""), undefined, { timeout: 60_000 });
  const why = (await choice.innerText()).trim();
  const auto = await trainRun(page, "auto");
  let figure = `"${why}" ${auto.rate.toFixed(0)} steps/s on ${auto.engine} at batch ${TRAIN_BATCH} (${TRAIN_STEPS} steps)`;
  // Auto chose something else: the fused kernel's own rate, for the comparison the goal asks for.
  if (!auto.engine.startsWith("fused-wasm")) {
    const fused = await trainRun(page, "fused-wasm");
    figure += `; fused-wasm ${fused.rate.toFixed(0)} steps/s`;
  }
  await page.close();
  return { what: 'Train page, "auto" backend', figure, goal: "never slower than the fused kernel (≈ 170 steps/s at batch 1024)" };
}

// ---- Denoising ---------------------------------------------------------------------------------------

/** Values of t visited in turn: across the range, each new to the page. */
const DENOISING_TIMES = [300, 10, 1000, 50, 200, 2, 700, 30];

/**
 * Sets t through its number box, as a reader typing would, and times until the page shows it everywhere
 * (the step's heading, the worked reverse step, and every scatter, whose descriptions end "at t = …":
 * the oracle's among them) and has painted; `network`: until the input's and the trained network's
 * scatters show it, the part of the page that does not wait for the oracle.
 */
function changeT(page: Page, t: number): Promise<{ network: number; all: number }> {
  return page.evaluate(async (t) => {
    const box = [...document.querySelectorAll("label")].find((label) => label.textContent === "Step t")?.control as HTMLInputElement;
    const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
    const text = () => document.querySelector("#observablehq-main")?.textContent ?? "";
    const descriptions = () =>
      [...document.querySelectorAll("#observablehq-main [aria-description]")]
        .map((element) => element.getAttribute("aria-description")!)
        .filter((description) => / at t = \d+$/.test(description));
    const networkShown = () => {
      const network = descriptions().filter((description) => /^(The \d+ noisy points|trained network)/.test(description));
      return network.length >= 3 && network.every((description) => description.endsWith(` at t = ${t}`));
    };
    const shown = () => {
      const all = text();
      const scatters = descriptions();
      return all.includes(`Step t = ${t} of`) && all.includes(`, t = ${t} → ${t - 1}`) &&
        scatters.length >= 5 && scatters.every((description) => description.endsWith(` at t = ${t}`));
    };
    const start = performance.now();
    box.value = String(t);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    const deadline = start + 30_000;
    let network = NaN;
    while (!shown()) {
      if (performance.now() > deadline) throw new Error(`t = ${t} was not shown after 30 s`);
      if (Number.isNaN(network) && networkShown()) network = performance.now() - start;
      await frame();
    }
    await frame(); // the paint
    const all = performance.now() - start;
    return { network: Number.isNaN(network) ? all : network, all };
  }, t);
}

async function denoisingRow(browser: Browser, base: string): Promise<Row> {
  const page = await openPage(browser, `${base}/denoising`);
  await page.locator("h2", { hasText: "Step t = 100 of" }).waitFor({ timeout: 60_000 });
  await page.locator(".denoising-comparison").waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await watchTasks(page);
  const times: { network: number; all: number }[] = [];
  for (const t of DENOISING_TIMES) {
    times.push(await changeT(page, t));
    await page.waitForTimeout(200);
  }
  const figure = `${range(times.map((time) => time.all))} over ${times.length} values of t ` +
    `(x_t and the network's panels: ${range(times.map((time) => time.network))}); ${await longestTask(page)}`;
  await page.close();
  return { what: "Denoising page, change t", figure, goal: "≤ 50 ms, no task over 50 ms" };
}

// ---- Trajectories ------------------------------------------------------------------------------------

/** Plays the 1000-step run from x_T to the end: display frames per second and run frames shown per second. */
async function trajectoriesRow(browser: Browser, base: string): Promise<Row> {
  const page = await openPage(browser, `${base}/trajectories`);
  await page.locator(".frame-scrubber button").waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await watchTasks(page);
  const played = await page.evaluate(async () => {
    const button = document.querySelector<HTMLButtonElement>(".frame-scrubber button")!;
    const range = document.querySelector<HTMLInputElement>(".frame-scrubber input[type=range]")!;
    const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
    await frame();
    button.click();
    const start = performance.now();
    let frames = 0;
    const values = new Set<string>();
    while (button.getAttribute("aria-pressed") === "true") {
      if (performance.now() - start > 120_000) throw new Error("play did not end after 120 s");
      await frame();
      frames++;
      values.add(range.value);
    }
    const seconds = (performance.now() - start) / 1000;
    return { seconds, fps: frames / seconds, shown: values.size / seconds, frames: Number(range.max) + 1 };
  });
  const figure = `${played.fps.toFixed(0)} fps over ${played.seconds.toFixed(1)} s of play ` +
    `(${played.shown.toFixed(0)} of the run's ${played.frames} frames a second); ${await longestTask(page)}`;
  await page.close();
  return { what: "Trajectories page, play", figure, goal: "60 fps, no task over 50 ms" };
}

// ---- Main --------------------------------------------------------------------------------------------

async function row(name: string, what: string, measure: () => Promise<Row | Row[]>): Promise<void> {
  if (!chosen.includes(name)) return;
  try {
    const rows = await measure();
    for (const { what, figure, goal } of [rows].flat()) console.log(`${what}: ${figure}  [goal ${goal}]`);
  } catch (error) {
    console.log(`${what}: n/a (${error instanceof Error ? error.message.split("\n")[0] : error})`);
  }
}

// A running site (`npm run dev`) can be measured too, by its URL.
const served = /^https?:\/\//.test(dist);
if (!served) {
  try {
    Deno.statSync(`${dist}/index.html`);
  } catch {
    console.error(`${dist}/index.html not found: build the site first (npm run build) or pass the built folder`);
    Deno.exit(2);
  }
}
const server = served ? { url: dist.replace(/\/$/, ""), close: () => Promise.resolve() } : await serveStatic(Deno.realPathSync(dist));
const browser = await launchChromium();
// Other work on the machine slows every row: say how busy it was.
console.log(`Chromium ${browser.version()} on ${navigator.hardwareConcurrency} cores, load average ${Deno.loadavg()[0].toFixed(1)}`);
try {
  await row("sampling", "Sampling page", () => samplingRows(browser, server.url));
  await row("train", 'Train page, "auto" backend', () => trainRow(browser, server.url));
  await row("denoising", "Denoising page, change t", () => denoisingRow(browser, server.url));
  await row("trajectories", "Trajectories page, play", () => trajectoriesRow(browser, server.url));
} finally {
  await browser.close();
  await server.close();
}
