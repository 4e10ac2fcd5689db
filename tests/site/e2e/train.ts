/**
 * The Train page in the browser: a run on WebGPU (tfjs's first choice; headless Chromium has
 * SwiftShader's adapter) with pause, resume and stop, and a full run on tfjs's wasm backend whose files
 * the CLI's own loader reads back. In both the held-out loss must fall from its untrained value and no
 * main-thread task may reach 100 ms while training, by the browser's long-task timing. Runs are short:
 * SwiftShader manages a few steps per second, so the WebGPU run is stopped after a few dozen. The
 * settings are carried by the URL, and "Save as report config" downloads a config that the CLI's own
 * parser accepts, with the page's settings as its training config. Strokes drawn with the mouse train a
 * flow-matching model on the fused kernel, travel in the link, and are kept with the model.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { readCheckpoint } from "../../../src/io/models.js";
import { loadSessionModel } from "../../../src/components/sessionModel.js";
import { sha256Hex } from "../../../src/core/hash.js";
import { readOnnxMetadata } from "../../../src/core/onnx/export.js";
import { parseReportConfig } from "../../../src/core/reports/config.js";
import type { PageChecks } from "../../support/browser.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";

export const path = "/train";

/** The page's own bar: no main-thread task this long while training. */
const LONG_TASK_LIMIT_MS = 100;

declare global {
  interface Window {
    chiselLongTasks: number[];
  }
}

/** Records the duration of every long task (over 50 ms) from now on, independently of the page's own readout. */
function watchLongTasks(page: Page): Promise<void> {
  return page.evaluate(() => {
    window.chiselLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.chiselLongTasks.push(entry.duration);
    }).observe({ type: "longtask" });
  });
}

const longTasks = (page: Page) => page.evaluate(() => window.chiselLongTasks);
const readout = (page: Page, key: string) => page.locator(`.train-${key}`).innerText();
const phase = (page: Page) => page.locator(".train-panel").getAttribute("data-phase");
const stepDone = (page: Page) => page.locator(".train-progress").evaluate((bar: HTMLProgressElement) => bar.value);
const status = (page: Page) => page.locator(".train-status").innerText();

async function settings(page: Page, values: { backend: string; steps: string; batch: string }): Promise<void> {
  await page.getByLabel("Backend").selectOption(values.backend);
  await page.getByLabel("Training steps").fill(values.steps);
  await page.getByLabel("Batch size").fill(values.batch);
}

/** The checkpoint table: step and held-out loss of each row. */
async function checkpoints(page: Page): Promise<{ step: number; loss: number }[]> {
  const rows = await page.locator(".train-checkpoints tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""))
  );
  return rows.map(([step, loss]) => ({ step: Number(step), loss: Number(loss) }));
}

/** An untrained network scores about 1 (ε has unit variance per coordinate); training must cut that. */
function expectLossFell(rows: { step: number; loss: number }[], lastStep: number): void {
  expect(rows[0].step).toBe(0);
  expect(rows[0].loss).toBeGreaterThan(0.8);
  expect(rows.at(-1)!.step).toBe(lastStep);
  expect(rows.at(-1)!.loss).toBeLessThan(0.7 * rows[0].loss);
}

async function download(page: Page, button: string, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: button }).click()]);
  const target = join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

/** Drags the mouse across the drawing canvas from (u0, v0) to (u1, v1), in fractions of its box. */
async function stroke(page: Page, [u0, v0]: [number, number], [u1, v1]: [number, number]): Promise<void> {
  const canvas = page.locator(".points-canvas canvas");
  // The mouse reaches only what is in the viewport.
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + u0 * box.width, box.y + v0 * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + u1 * box.width, box.y + v1 * box.height, { steps: 12 });
  await page.mouse.up();
}

export const checks: PageChecks["checks"] = {
  "trains flow matching on drawn strokes, carries them in the link, and keeps them with the model": async (page) => {
    await page.getByLabel("your own points: draw or upload").check();
    await page.getByLabel("Objective").selectOption("flow-matching");
    expect(await page.getByLabel("Diffusion steps T").isDisabled()).toBe(true);
    await stroke(page, [0.2, 0.3], [0.8, 0.3]);
    await stroke(page, [0.2, 0.7], [0.8, 0.7]);
    await stroke(page, [0.5, 0.2], [0.5, 0.8]);
    await page.getByRole("button", { name: "Undo" }).click();
    const canvasLabel = () => page.locator(".points-canvas canvas").getAttribute("aria-label");
    const count = async () => Number((await canvasLabel())!.match(/^(\d+) points/)![1]);
    const beforeErasing = await count();
    await page.getByRole("button", { name: "Eraser" }).click();
    await stroke(page, [0.45, 0.2], [0.55, 0.8]);
    expect(await count()).toBeLessThan(beforeErasing);
    await page.getByRole("button", { name: "Brush" }).click();
    const about = page.locator(".points-source-about");
    await expect.poll(() => about.innerText()).toMatch(/^\d+ points, \d+ of them distinct .* centred on \(.*\) and scaled by /);
    const drawn = Number((await about.innerText()).match(/^(\d+) points/)![1]);
    expect(drawn).toBeGreaterThan(20);
    await expect.poll(() => new URL(page.url()).searchParams.get("points") ?? "").toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new URL(page.url()).searchParams.get("objective")).toBe("flow-matching");

    await settings(page, { backend: "fused-wasm", steps: "300", batch: "64" });
    await page.getByRole("button", { name: "Train" }).click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/^Completed 300 steps on fused-wasm/);
    expect(await page.locator(".train-preview figcaption").innerText()).toMatch(/\(Euler, 50 steps/);
    expect((await checkpoints(page)).at(-1)!.step).toBe(300);
    await expect.poll(() => page.locator(".train-session-note").innerText()).toContain("step 300");
    const stored = await page.evaluate(() => sessionStorage.getItem("chisel:session-model"));
    const session = loadSessionModel({ getItem: () => stored } as unknown as Storage)!;
    expect(session.config.model.objective).toBe("flow-matching");
    expect(session.config.dataset).toMatchObject({ file: "drawn.csv", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(session.points!.length).toBe(2 * drawn);

    // The link opens the same points, ready to train: the CSV it offers has the SHA-256 the run pinned.
    await page.goto(page.url());
    await expect.poll(() => page.locator(".points-source-about").innerText()).toMatch(new RegExp(`^${drawn} points`));
    const dir = mkdtempSync(join(tmpdir(), "chisel-train-points-"));
    try {
      const csv = readFileSync(await download(page, "Download the points (CSV)", dir));
      expect(await sha256Hex(csv)).toBe(session.config.dataset.sha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },


  "auto never trains on SwiftShader: it says so and trains on the fused kernel": async (page) => {
    expect(await page.getByLabel("Backend").inputValue()).toBe("auto");
    expect(await page.locator(".train-controls-auto").innerText())
      .toMatch(/^auto trains on fused-wasm: the WebGPU adapter \(.*swiftshader.*\) is a software rasteriser, slower than the fused kernel\.$/i);
    await settings(page, { backend: "auto", steps: "200", batch: "64" });
    await page.getByRole("button", { name: "Train" }).click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/^Completed 200 steps on fused-wasm/);
  },

  "trains on WebGPU, pauses, resumes and stops; the loss falls and the main thread stays free": async (page) => {
    await settings(page, { backend: "tfjs", steps: "300", batch: "32" });
    await watchLongTasks(page);
    await page.getByRole("button", { name: "Train" }).click();
    // tfjs tries WebGPU first, and headless Chromium has an adapter (SwiftShader).
    await expect.poll(() => readout(page, "engine"), { timeout: 30_000 }).toMatch(/^tfjs-webgpu: webgpu/);
    // A slow machine stops earlier: the loss must have fallen all the same.
    await expect.poll(() => stepDone(page), { timeout: 25_000, interval: 250 }).toBeGreaterThanOrEqual(30).catch(() => {});
    expect(await stepDone(page)).toBeGreaterThanOrEqual(10);

    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => status(page)).toMatch(/^Paused at step/);
    // The step in flight finishes (a few hundred ms on SwiftShader), then nothing moves.
    await page.waitForTimeout(1500);
    const paused = await stepDone(page);
    await page.waitForTimeout(1500);
    expect(await stepDone(page)).toBe(paused);
    expect(await page.getByRole("button", { name: "Resume" }).getAttribute("aria-pressed")).toBe("true");

    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => stepDone(page), { timeout: 10_000 }).toBeGreaterThan(paused);
    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => phase(page), { timeout: 15_000 }).toBe("finished");
    const stopped = (await status(page)).match(/^Stopped at step (\d+) of 300/);
    expect(stopped, await status(page)).not.toBeNull();
    expectLossFell(await checkpoints(page), Number(stopped![1]));
    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(LONG_TASK_LIMIT_MS);
  },

  "trains on tfjs wasm to the end; the loss falls, and the downloads and the kept network are the same weights": async (page) => {
    await settings(page, { backend: "tfjs-wasm", steps: "300", batch: "64" });
    await watchLongTasks(page);
    await page.getByRole("button", { name: "Train" }).click();
    await expect.poll(() => phase(page), { timeout: 40_000 }).toBe("finished");
    expect(await status(page)).toMatch(/^Completed 300 steps on tfjs-wasm in /);
    expect(await readout(page, "engine")).toMatch(/^tfjs-wasm: wasm \(simd on/);
    expect(await readout(page, "speed")).toMatch(/ steps\/s$/);
    expectLossFell(await checkpoints(page), 300);
    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(LONG_TASK_LIMIT_MS);

    const dir = mkdtempSync(join(tmpdir(), "chisel-train-e2e-"));
    try {
      await download(page, "manifest.json", dir);
      const weights = await download(page, "step-000300.f32", dir);
      // The CLI reads the folder, or the weight file in it, as a run it trained itself.
      for (const target of [dir, weights]) {
        const model = await readCheckpoint(target);
        expect(model.step).toBe(300);
        expect(model.manifest.engine).toBe("tfjs-wasm");
        expect(model.manifest.status).toBe("completed");
        expect(model.manifest.config.training.batch).toBe(64);
      }
      const { params } = await readCheckpoint(dir);

      const onnx = readFileSync(await download(page, "ONNX model", dir));
      expect(readOnnxMetadata(new Uint8Array(onnx)).schedule).toEqual({ kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });

      // The network kept for the sampling page is the downloaded one, bit for bit.
      await expect.poll(() => page.locator(".train-session-note").innerText()).toContain("step 300");
      const stored = await page.evaluate(() => sessionStorage.getItem("chisel:session-model"));
      const session = loadSessionModel({ getItem: () => stored } as unknown as Storage);
      expect(session?.step).toBe(300);
      expect(session?.engine).toBe("tfjs-wasm");
      expect(Array.from(session!.params)).toEqual(Array.from(params));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  "refuses bad settings with a message, and trains nothing until they are fixed": async (page) => {
    const train = page.getByRole("button", { name: "Train" });
    const message = page.locator(".train-controls-message");
    await page.getByLabel("Training steps").fill("0");
    await expect.poll(() => message.innerText()).toBe("Not started: Training steps must be an integer from 1 to 100000, got 0.");
    expect(await page.getByLabel("Training steps").getAttribute("aria-invalid")).toBe("true");
    expect(await train.isDisabled()).toBe(true);

    await page.getByLabel("Training steps").fill("500");
    await page.getByLabel("β end").fill("0.00005");
    await expect.poll(() => message.innerText()).toBe("Not started: β end: must be greater than betaStart (0.0001), got 0.00005.");
    expect(await train.isDisabled()).toBe(true);

    await page.getByLabel("β end").fill("0.02");
    await expect.poll(() => message.isVisible()).toBe(false);
    expect(await train.isDisabled()).toBe(false);
    expect(await phase(page)).toBe("idle");
  },

  "carries every setting in the URL, and saves them as a report config the CLI accepts": async (page) => {
    await page.getByLabel("Dataset").selectOption("moons");
    await page.getByLabel("Schedule").selectOption("cosine");
    await page.getByLabel("Diffusion steps T").fill("500");
    await page.getByLabel("Training steps").fill("2000");
    await page.getByLabel("Batch size").fill("256");
    await page.getByLabel("Learning rate").fill("0.005");
    await page.getByLabel("Seed").fill("3");
    await page.getByLabel("Backend").selectOption("fused-wasm");
    await expectRoundTrip(page, "?dataset=moons&kind=cosine&T=500&steps=2000&batch=256&lr=0.005&seed=3&backend=fused-wasm");

    const dir = mkdtempSync(join(tmpdir(), "chisel-train-config-"));
    try {
      const file = await download(page, "Save as report config", dir);
      expect(file.endsWith("train-moons-cosine-t500-2000-steps-seed-3.json")).toBe(true);
      const config = parseReportConfig(JSON.parse(readFileSync(file, "utf8")));
      expect(config.runs).toHaveLength(1);
      const { train } = config.runs[0];
      expect(train.dataset.name).toBe("moons");
      expect(train.schedule).toMatchObject({ kind: "cosine", T: 500 });
      expect(train.training).toMatchObject({ steps: 2000, batch: 256, lr: 0.005, seed: 3 });
      expect(train.backend).toBe("fused-wasm");
      // T = 500 leaves out the report's 1000-step samples.
      expect(config.steps).toEqual([10, 50]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  "a link with bad settings says so; a refused one disables the report config": async (page) => {
    const lines = await noticeFor(page, "?lr=0&steps=1e9&backend=gpu&betaEnd=0.00005", async (fresh) => {
      expect(await fresh.getByLabel("Learning rate").inputValue()).toBe("0.01");
      expect(await fresh.getByLabel("Training steps").inputValue()).toBe("100000");
      expect(await fresh.getByLabel("Backend").inputValue()).toBe("auto");
      // β end below β start passes the URL's range but not the config: the form refuses it, as if typed.
      expect(await fresh.locator(".train-controls-message").innerText())
        .toBe("Not started: β end: must be greater than betaStart (0.0001), got 0.00005.");
      const save = fresh.getByRole("button", { name: "Save as report config" });
      expect(await save.isDisabled()).toBe(true);
      expect(await fresh.locator(".report-config-note").innerText()).toBe("Nothing to save: β end: must be greater than betaStart (0.0001), got 0.00005.");
    });
    expect(lines).toEqual([
      "URL parameter lr=0: must be a number in (0, 1]; using the default, 0.01.",
      "URL parameter steps=1e9: must be an integer from 1 to 100000: clamped to 100000.",
      "URL parameter backend=gpu: must be one of auto, tfjs, tfjs-webgpu, tfjs-webgl, tfjs-wasm, tfjs-cpu, fused-wasm; using the default, auto.",
    ]);
  },
};
