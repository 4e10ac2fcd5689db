/// <reference types="@webgpu/types" />
/**
 * End to end: the built site, served from 127.0.0.1, in headless Debian Chromium. Every page in
 * observablehq.config.ts must load with no console error, no page error and no request leaving the
 * machine, and draw something (an <svg> or <canvas> in the page body); a screenshot of each goes to
 * test-artifacts/<page>.png. Pages with checks of their own list them in PAGE_CHECKS.
 *
 * To add checks for a page: write tests/site/e2e/<page>.ts exporting `path` and `checks` (see
 * tests/site/e2e/images.ts and PageChecks in tests/support/browser.ts), and add it to PAGE_CHECKS.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGuardedPage, type GuardedPage, type PageChecks } from "../support/browser.js";
import { project } from "../support/site.js";
import { siteInChromium } from "../support/siteInChromium.js";
import { artifactName, SITE_PAGES } from "../support/sitePages.js";
import type { StaticServer } from "../support/staticServer.js";
import * as overview from "./e2e/overview.js";
import * as schedules from "./e2e/schedules.js";
import * as images from "./e2e/images.js";
import * as denoising from "./e2e/denoising.js";
import * as trainingT from "./e2e/training-t.js";
import * as sampling from "./e2e/sampling.js";
import * as trajectories from "./e2e/trajectories.js";
import * as fields from "./e2e/fields.js";
import * as train from "./e2e/train.js";
import * as reports from "./e2e/reports.js";

const PAGE_CHECKS: PageChecks[] = [overview, schedules, images, denoising, trainingT, sampling, trajectories, fields, train, reports];

const PAGES = SITE_PAGES;
const ARTIFACTS = join(project, "test-artifacts");

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await siteInChromium());
  mkdirSync(ARTIFACTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a page on the local server and waits until it has drawn; the caller closes `context`. */
async function visit(path: string): Promise<GuardedPage> {
  const guarded = await openGuardedPage(browser);
  const response = await guarded.page.goto(server.url + path, { waitUntil: "load" });
  expect(response?.status(), `HTTP status of ${path}`).toBe(200);
  await guarded.page.locator("#observablehq-main").locator("svg, canvas").first().waitFor({ state: "visible", timeout: 30_000 });
  await guarded.page.waitForLoadState("networkidle");
  return guarded;
}

/** Runs `body` on a freshly loaded page, then fails on anything the guard caught. */
async function withPage(path: string, body: (page: Page) => Promise<void>): Promise<void> {
  const guarded = await visit(path);
  try {
    await body(guarded.page);
    expect(guarded.problems).toEqual([]);
  } finally {
    await guarded.context.close();
  }
}


for (const { name, path } of PAGES) describe(`${name} (${path})`, () => {
  it("loads with no error or outside request, draws, and is screenshotted", async () => {
    await withPage(path, async (page) => {
      const main = page.locator("#observablehq-main");
      // Framework shows a failed cell as an inline error instead of its output.
      expect(await main.locator(".observablehq--error").allTextContents()).toEqual([]);
      expect((await main.innerText()).length).toBeGreaterThan(200);
      await page.screenshot({ path: join(ARTIFACTS, `${artifactName(path)}.png`), fullPage: true });
    });
  });

  const own = PAGE_CHECKS.find((entry) => entry.path === path);
  for (const [title, check] of Object.entries(own?.checks ?? {})) {
    it(title, () => withPage(path, check));
  }
});

it("catches requests leaving the machine, console errors and page errors", async () => {
  const guarded = await openGuardedPage(browser);
  try {
    await guarded.page.goto(`${server.url}/`, { waitUntil: "load" });
    await guarded.page.evaluate(async () => {
      // Aborted by the route before any lookup: nothing leaves the machine.
      await fetch("https://cdn.example.invalid/library.js").catch(() => {});
      console.error("deliberate");
      setTimeout(() => {
        throw new Error("deliberate throw");
      });
    });
    // The blocked request also logs a console error; the page error arrives last.
    await expect.poll(() => guarded.problems.some((line) => line.startsWith("page error"))).toBe(true);
    const text = guarded.problems.join("\n");
    expect(text).toContain("blocked request: GET https://cdn.example.invalid/library.js");
    expect(text).toContain("console error: deliberate");
    expect(text).toContain("page error: Error: deliberate throw");
  } finally {
    await guarded.context.close();
  }
});

it("has page checks only for pages in the config", () => {
  expect(PAGE_CHECKS.map((entry) => entry.path).filter((path) => !PAGES.some((page) => page.path === path))).toEqual([]);
});

describe("WebGPU in headless Chromium", () => {
  it("gives an adapter (SwiftShader) that runs a compute shader", async () => {
    await withPage("/", async (page) => {
      const result = await page.evaluate(async () => {
        const adapter = await navigator.gpu?.requestAdapter();
        if (!adapter) return { adapter: navigator.gpu ? "none" : "no navigator.gpu" };
        const device = await adapter.requestDevice();
        // Each invocation writes 2.5 · its index: a read-back proves the shader really ran.
        const storage = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
        const readback = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        const module = device.createShaderModule({
          code: `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
            @compute @workgroup_size(4) fn main(@builtin(global_invocation_id) id: vec3u) { out[id.x] = f32(id.x) * 2.5; }`,
        });
        const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
        const bindGroup = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [{ binding: 0, resource: { buffer: storage } }],
        });
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(1);
        pass.end();
        encoder.copyBufferToBuffer(storage, 0, readback, 0, 16);
        device.queue.submit([encoder.finish()]);
        await readback.mapAsync(GPUMapMode.READ);
        const values = Array.from(new Float32Array(readback.getMappedRange()));
        device.destroy();
        // GPUAdapter.info is newer than the installed @webgpu/types.
        const { info } = adapter as GPUAdapter & { info: { vendor: string; architecture: string; isFallbackAdapter?: boolean } };
        return { adapter: `${info.vendor}/${info.architecture}`, fallback: info.isFallbackAdapter, values };
      });
      console.log(`WebGPU adapter: ${JSON.stringify(result)}`);
      // Here (no GPU) the adapter is SwiftShader's, google/swiftshader, a fallback adapter.
      expect(result.adapter).not.toMatch(/^no/);
      expect(result.values).toEqual([0, 2.5, 5, 7.5]);
    });
  });
});
