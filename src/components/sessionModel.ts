/**
 * The model trained in the browser, kept for the rest of the tab's session so the sampling pages can
 * use it. sessionStorage survives page navigation within the tab and is gone when the tab closes.
 */
import { fromBase64, toBase64 } from "../core/base64.js";
import { makeDataset } from "../core/datasets.js";
import { MLP_OUTPUT_DIM, mlpLayout } from "../core/mlp.js";
import type { TrainConfig } from "../core/training/config.js";

const KEY = "chisel:session-model";

export interface SessionModel {
  config: TrainConfig;
  /** Updates done when it was saved. */
  step: number;
  /** What trained it, e.g. "tfjs-webgpu". */
  engine: string;
  /** Flat MLP parameters (src/core/mlp.ts layout). */
  params: Float32Array;
  /**
   * The normalised training points (userData.ts) when config.dataset is a points file (drawn or uploaded);
   * absent for a built-in set, which makeDataset rebuilds from its settings.
   */
  points?: Float64Array;
  savedAt: string;
}

/** What the session model was trained on: its own points, or the built-in set its config names. */
export function sessionTrainingSet(session: SessionModel): Float64Array {
  if (session.points) return session.points;
  const { name, n, seed, noise } = session.config.dataset;
  return makeDataset(name, { n, seed, noise });
}

/**
 * The tab's storage, or null where the browser keeps none: with storage disabled, merely reading
 * `sessionStorage` throws a SecurityError.
 */
function tabStorage(storage?: Storage): Storage | null {
  try {
    return storage ?? sessionStorage;
  } catch {
    return null;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Keeps the model for the tab; false when the browser would not store it (storage off or full). Then
 * the model kept before is removed too, so no page offers it as the latest.
 */
export function saveSessionModel(model: Omit<SessionModel, "savedAt">, storage?: Storage): boolean {
  const store = tabStorage(storage);
  if (!store) return false;
  const params = new Uint8Array(model.params.buffer, model.params.byteOffset, model.params.byteLength);
  const points = model.points && new Uint8Array(model.points.buffer, model.points.byteOffset, model.points.byteLength);
  try {
    store.setItem(KEY, JSON.stringify({
      ...model,
      params: toBase64(params),
      points: points && toBase64(points),
      savedAt: new Date().toISOString(),
    }));
    return true;
  } catch {
    clearSessionModel(store);
    return false;
  }
}

/**
 * The saved model, or null when none was trained in this session, the browser keeps no storage, or what
 * is stored is not a model (unreadable, edited by hand, or from an older page).
 */
export function loadSessionModel(storage?: Storage): SessionModel | null {
  try {
    const text = tabStorage(storage)?.getItem(KEY);
    if (typeof text !== "string") return null;
    const stored: unknown = JSON.parse(text);
    if (!isObject(stored) || !isObject(stored.config) || typeof stored.params !== "string") return null;
    const { model, dataset, schedule } = stored.config;
    if (!isObject(model) || !isObject(dataset) || !isObject(schedule)) return null;
    if (!Number.isInteger(stored.step) || typeof stored.engine !== "string" || typeof stored.savedAt !== "string") return null;
    const config = stored.config as unknown as TrainConfig;
    if (!Number.isInteger(model.embeddingDim) || !Array.isArray(model.hidden)) return null;
    // config.ts's modelDims, written out: importing config.ts would load zod with every page that asks.
    const dims = [2 + config.model.embeddingDim, ...config.model.hidden, MLP_OUTPUT_DIM];
    const params = fromBase64(stored.params);
    if (params.length !== 4 * mlpLayout(dims).size) return null;
    let points: Float64Array | undefined;
    if (stored.points !== undefined) {
      if (typeof stored.points !== "string") return null;
      const bytes = fromBase64(stored.points);
      // At least two points: one cannot train (userData.ts).
      if (bytes.length % 16 !== 0 || bytes.length < 32) return null;
      points = new Float64Array(bytes.buffer);
    }
    // A points file's set travels with the model; a built-in one is rebuilt from its name (sessionTrainingSet).
    if (dataset.file !== undefined ? !points : typeof dataset.name !== "string") return null;
    return {
      config,
      step: stored.step as number,
      engine: stored.engine,
      params: new Float32Array(params.buffer),
      ...(points ? { points } : {}),
      savedAt: stored.savedAt,
    };
  } catch {
    return null;
  }
}

export function clearSessionModel(storage?: Storage): void {
  try {
    tabStorage(storage)?.removeItem(KEY);
  } catch {
    // Nothing kept can be cleared where nothing can be kept.
  }
}
