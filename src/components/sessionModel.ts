/**
 * The model trained in the browser, kept for the rest of the tab's session so the sampling pages can
 * use it. sessionStorage survives page navigation within the tab and is gone when the tab closes.
 */
import { makeDataset } from "../core/datasets.js";
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

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function saveSessionModel(model: Omit<SessionModel, "savedAt">, storage: Storage = sessionStorage): void {
  const params = new Uint8Array(model.params.buffer, model.params.byteOffset, model.params.byteLength);
  const points = model.points && new Uint8Array(model.points.buffer, model.points.byteOffset, model.points.byteLength);
  storage.setItem(KEY, JSON.stringify({
    ...model,
    params: toBase64(params),
    points: points && toBase64(points),
    savedAt: new Date().toISOString(),
  }));
}

/** The saved model, or null when none was trained in this session (or what is stored is unreadable). */
export function loadSessionModel(storage: Storage = sessionStorage): SessionModel | null {
  const text = storage.getItem(KEY);
  if (text === null) return null;
  try {
    const stored = JSON.parse(text);
    const bytes = fromBase64(stored.params);
    if (bytes.length % 4 !== 0) return null;
    const points = stored.points === undefined ? undefined : fromBase64(stored.points);
    if (points && points.length % 16 !== 0) return null;
    return { ...stored, params: new Float32Array(bytes.buffer), points: points && new Float64Array(points.buffer) };
  } catch {
    return null;
  }
}

export function clearSessionModel(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}
