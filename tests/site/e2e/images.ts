/**
 * The Images page in the browser: keyboard control of the chain, play/pause, the reader's image by file
 * picker and by drop, and the reverse replay landing back on the exact image. Expected pixels come from
 * src/core run here in Node; expected ᾱ, SNR and β from the schedule's closed form, computed here.
 * Every control, the frame on screen included, is carried by the URL: a fresh page opened on it draws
 * the same pixels.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { mondrian } from "../../../src/core/syntheticImages.js";
import type { PageChecks } from "../../support/browser.js";
import { encodePng } from "../../support/png.js";
import { expectRoundTrip, noticeFor } from "../../support/urlRoundTrip.js";

export const path = "/images";

/** The demo's default schedule: N = 30 steps at β scale 1. */
const N = 30;
/** ᾱ_t = exp(−B(t/N)) with B(s) = 0.1 s + 9.95 s², so ᾱ_N = e^{−10.05}. */
const alphaBarN = Math.exp(-10.05);
const beta1 = 1 - Math.exp(-(0.1 / N + 9.95 / N ** 2));

/** The page prints three significant digits, in exponent form below 1e-3. */
const threeDigits = (value: number) => (value < 1e-3 ? value.toExponential(2) : value.toPrecision(3));

async function pixels(page: Page): Promise<{ width: number; height: number; data: number[] }> {
  return page.locator(".image-diffusion canvas").evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, data: Array.from(data) };
  });
}

const readout = (page: Page, key: string) => page.locator(`.image-diffusion-${key}`).innerText();
const position = (page: Page) => page.locator(".image-diffusion output").innerText();

/** Mean absolute difference per byte between two equally sized RGBA buffers. */
function meanDifference(a: number[], b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** An image file: left half red, right half blue. */
function halvesPng(width: number, height: number): Buffer {
  const rgba = new Uint8Array(4 * width * height);
  for (let p = 0; p < width * height; p++) rgba.set(p % width < width / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], 4 * p);
  return encodePng(width, height, rgba);
}

/** Waits for the demo to be redrawn at a given size (a new image makes a new demo). */
async function canvasSized(page: Page, width: number, height: number): Promise<void> {
  await page.waitForFunction(
    ([w, h]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(".image-diffusion canvas");
      return canvas?.width === w && canvas.height === h;
    },
    [width, height],
  );
}

export const checks: PageChecks["checks"] = {
  "steps through the forward chain from the keyboard, with ᾱ_t and SNR_t of each frame": async (page) => {
    const clean = mondrian(128).data;
    // The first frame is x_0: the built-in Mondrian byte for byte (bytes → [−1, 1] → bytes is exact).
    expect(await position(page)).toBe(`0 / ${N}`);
    expect(meanDifference((await pixels(page)).data, clean)).toBe(0);
    expect(await readout(page, "alphaBar")).toBe("1.00");
    expect(await readout(page, "snr")).toBe("∞");

    const scrubber = page.locator(".image-diffusion input[type=range]");
    await scrubber.focus();
    await page.keyboard.press("ArrowRight");
    expect(await position(page)).toBe(`1 / ${N}`);
    expect(await readout(page, "beta")).toBe(threeDigits(beta1));

    await page.keyboard.press("End");
    expect(await position(page)).toBe(`${N} / ${N}`);
    expect(await readout(page, "t")).toBe(`${N} of ${N}`);
    expect(await readout(page, "alphaBar")).toBe(threeDigits(alphaBarN));
    expect(await readout(page, "snr")).toBe(threeDigits(alphaBarN / (1 - alphaBarN)));
    // x_N is noise of standard deviation ≈ 1 on a [−1, 1] scale: far from the clean bytes.
    expect(meanDifference((await pixels(page)).data, clean)).toBeGreaterThan(40);

    await page.keyboard.press("Home");
    expect(meanDifference((await pixels(page)).data, clean)).toBe(0);
  },

  "plays and pauses with the keyboard": async (page) => {
    const play = page.locator(".image-diffusion button");
    await play.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => play.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => position(page)).not.toBe(`0 / ${N}`);
    await page.keyboard.press("Space");
    expect(await play.getAttribute("aria-pressed")).toBe("false");
    const paused = await position(page);
    await page.waitForTimeout(400); // ≈ 5 frames at 12 per second, were it still playing
    expect(await position(page)).toBe(paused);
  },

  "takes the reader's image from the file picker and redraws the canvas from it": async (page) => {
    const before = await pixels(page);
    const picker = page.locator(".image-source input[type=file]");
    await picker.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") });
    await expect.poll(() => page.locator(".image-source-status").innerText()).toContain("notes.txt is not an image");

    await picker.setInputFiles({ name: "halves.png", mimeType: "image/png", buffer: halvesPng(24, 16) });
    await canvasSized(page, 24, 16);
    expect(await page.locator(".image-source-status").innerText()).toBe("halves.png: 24 × 16 px.");
    expect(await page.locator(".image-source input[value=yours]").isChecked()).toBe(true);
    const after = await pixels(page);
    expect(after.width * after.height).not.toBe(before.width * before.height);
    // Pure red and pure blue are ±1 in every channel and come back exactly at t = 0.
    const at = (x: number, y: number) => after.data.slice(4 * (y * 24 + x), 4 * (y * 24 + x) + 4);
    expect(at(2, 3)).toEqual([255, 0, 0, 255]);
    expect(at(20, 12)).toEqual([0, 0, 255, 255]);
  },

  "takes a dropped image, shrunk to 128 px a side": async (page) => {
    const rgba = new Uint8Array(4 * 200 * 100);
    for (let p = 0; p < 200 * 100; p++) rgba.set([0, 160, 0, 255], 4 * p);
    const bytes = Array.from(encodePng(200, 100, rgba));
    const dataTransfer = await page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], "wide.png", { type: "image/png" }));
      return transfer;
    }, bytes);
    await page.dispatchEvent(".image-drop", "drop", { dataTransfer });
    await canvasSized(page, 128, 64);
    expect(await page.locator(".image-source-status").innerText()).toBe("wide.png: 128 × 64 px, shrunk from 200 × 100.");
    const { data } = await pixels(page);
    // A flat colour stays flat under resampling.
    for (const p of [0, 1000, 128 * 64 - 1]) expect(data.slice(4 * p, 4 * p + 4)).toEqual([0, 160, 0, 255]);
  },

  "replays the stored noise backwards onto the exact image": async (page) => {
    const clean = mondrian(128).data;
    // Arrow keys move the selection within the radio group, as for any native radio.
    await page.getByRole("radio", { name: "forward" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => readout(page, "t")).toBe(`${N} of ${N}`);
    expect(await position(page)).toBe(`0 / ${N}`);
    expect(meanDifference((await pixels(page)).data, clean)).toBeGreaterThan(40);

    await page.locator(".image-diffusion input[type=range]").focus();
    await page.keyboard.press("End");
    expect(await readout(page, "t")).toBe(`0 of ${N}`);
    expect(Number(await readout(page, "rms"))).toBeLessThan(1e-9);
    expect(meanDifference((await pixels(page)).data, clean)).toBe(0);
  },

  "carries the image, schedule, direction, seed and frame in the URL; a fresh page draws the same pixels": async (page) => {
    await page.getByRole("radio", { name: /Flower/ }).check();
    await page.getByRole("spinbutton", { name: "Steps N" }).fill("40");
    await page.getByRole("spinbutton", { name: "β scale" }).fill("1.5");
    await page.getByRole("radio", { name: "reverse" }).check();
    await page.getByRole("spinbutton", { name: "Noise seed" }).fill("7");
    // The URL follows the demo made for the last setting: only then is its slider the one to press.
    await expect.poll(() => new URL(page.url()).search).toContain("seed=7");
    await expect.poll(() => readout(page, "t")).toBe("40 of 40");
    const scrubber = page.locator(".image-diffusion input[type=range]");
    await scrubber.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => readout(page, "t")).toBe("35 of 40");
    const drawn = await pixels(page);
    // The same frame of the same chain: the same bytes.
    await expectRoundTrip(page, "?image=flower&steps=40&betaScale=1.5&direction=reverse&seed=7&frame=5", async (fresh) => {
      expect(meanDifference((await pixels(fresh)).data, drawn.data)).toBe(0);
    });
  },

  "a link with bad values says so: no own image, β scale on its step, the frame cut to the steps": async (page) => {
    const lines = await noticeFor(page, "?image=yours&steps=12&frame=50&betaScale=0.37", async (fresh) => {
      expect(await fresh.getByRole("radio", { name: /Mondrian/ }).isChecked()).toBe(true);
      await expect.poll(() => position(fresh)).toBe("12 / 12");
      expect(await fresh.getByRole("spinbutton", { name: "β scale" }).inputValue()).toBe("0.35");
    });
    expect(lines).toEqual([
      "URL parameter image=yours: is your own picture, which stays in the browser it was opened in: a link cannot carry it; using the default, mondrian.",
      "URL parameter betaScale=0.37: not a multiple of 0.05: rounded to 0.35.",
      "URL parameter frame=50: past the last of the 12 steps; showing frame 12.",
    ]);
  },
};
