/**
 * Gives a page in the browser a model "trained in this tab": saved as the Train page saves it (through a
 * jsdom Storage), copied into the page's sessionStorage, and the page reloaded to read it.
 */
import { JSDOM } from "jsdom";
import type { Page } from "playwright-core";
import { saveSessionModel, type SessionModel } from "../../src/components/sessionModel.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { modelDims, parseTrainConfig } from "../../src/core/training/config.js";

export async function giveSessionModel(page: Page, model: Omit<SessionModel, "savedAt">): Promise<void> {
  const storage = new JSDOM("", { url: "http://127.0.0.1/" }).window.sessionStorage;
  saveSessionModel(model, storage);
  const saved = Array.from({ length: storage.length }, (_, i) => [storage.key(i)!, storage.getItem(storage.key(i)!)!]);
  await page.evaluate((entries) => entries.forEach(([key, value]) => sessionStorage.setItem(key, value)), saved);
  await page.reload({ waitUntil: "load" });
}

/** An untrained model of `config` (training/config.ts input), seeded: enough to run, not to sample well. */
export function untrainedSessionModel(config: Record<string, unknown>): Omit<SessionModel, "savedAt"> {
  const parsed = parseTrainConfig(config);
  return { config: parsed, step: 300, engine: "e2e", params: initMlpParams(1, modelDims(parsed.model)) };
}
