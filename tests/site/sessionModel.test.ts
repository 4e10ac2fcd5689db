/**
 * The model kept for the tab: it round-trips through storage; a browser without storage, or an entry
 * that is not a model, reads as no model rather than breaking the page; a save that fails keeps nothing,
 * not even the model saved before.
 */
import { describe, expect, it } from "vitest";
import { clearSessionModel, loadSessionModel, saveSessionModel, type SessionModel } from "../../src/components/sessionModel.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { modelDims, parseTrainConfig } from "../../src/core/training/config.js";

const KEY = "chisel:session-model";
const config = parseTrainConfig({});
const model: Omit<SessionModel, "savedAt"> = {
  config,
  step: 300,
  engine: "fused-wasm",
  params: initMlpParams(1, modelDims(config.model)),
  points: Float64Array.from([0.5, -0.25, -1, 1.5]),
};

function memoryStorage(): Storage & { items: Map<string, string>; full: boolean } {
  const items = new Map<string, string>();
  return {
    items,
    full: false,
    get length() {
      return items.size;
    },
    key: (i: number) => [...items.keys()][i] ?? null,
    getItem: (key: string) => items.get(key) ?? null,
    setItem(key: string, value: string) {
      if (this.full) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      items.set(key, value);
    },
    removeItem: (key: string) => void items.delete(key),
    clear: () => items.clear(),
  };
}

describe("session model", () => {
  it("round-trips the config, the parameters and the points", () => {
    const storage = memoryStorage();
    expect(saveSessionModel(model, storage)).toBe(true);
    const loaded = loadSessionModel(storage)!;
    expect(loaded).toMatchObject({ config, step: 300, engine: "fused-wasm" });
    expect(loaded.params).toEqual(model.params);
    expect(loaded.points).toEqual(model.points);
    clearSessionModel(storage);
    expect(loadSessionModel(storage)).toBeNull();
  });

  it("reads no model, and saves none without throwing, where the browser has storage turned off", () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, "sessionStorage");
    Object.defineProperty(globalThis, "sessionStorage", {
      configurable: true,
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
    try {
      expect(loadSessionModel()).toBeNull();
      expect(saveSessionModel(model)).toBe(false);
      expect(() => clearSessionModel()).not.toThrow();
    } finally {
      if (descriptor) Object.defineProperty(globalThis, "sessionStorage", descriptor);
      else delete (globalThis as { sessionStorage?: Storage }).sessionStorage;
    }
  });

  it("reads an entry that is not a model as none", () => {
    const storage = memoryStorage();
    saveSessionModel(model, storage);
    const good = JSON.parse(storage.items.get(KEY)!);
    const entries = [
      "not json",
      "null",
      JSON.stringify({ params: "AAAAAA==", step: 5 }),
      JSON.stringify({ ...good, config: { ...good.config, schedule: undefined } }),
      JSON.stringify({ ...good, config: { ...good.config, model: "mlp" } }),
      JSON.stringify({ ...good, step: "300" }),
      JSON.stringify({ ...good, params: "AAAAAA==" }),
      JSON.stringify({ ...good, points: "AAAAAAAAAAAAAAAAAAAAAA==" }),
      JSON.stringify({ ...good, points: 7 }),
      JSON.stringify({ ...good, points: undefined, config: { ...good.config, dataset: { file: "drawn.csv", sha256: "0".repeat(64) } } }),
      JSON.stringify({ ...good, points: undefined, config: { ...good.config, dataset: {} } }),
    ];
    for (const entry of entries) {
      storage.items.set(KEY, entry);
      expect(loadSessionModel(storage), entry.slice(0, 60)).toBeNull();
    }
  });

  it("drops the model kept before when a save does not fit", () => {
    const storage = memoryStorage();
    saveSessionModel(model, storage);
    storage.full = true;
    expect(saveSessionModel({ ...model, step: 400 }, storage)).toBe(false);
    expect(loadSessionModel(storage)).toBeNull();
  });
});
