/**
 * The error of each noise predictor at the chosen t, against the true ε: per point, ‖ε̂ − ε‖² with both
 * coordinates summed (what a reader of the formula expects), and per coordinate (the training loss,
 * half of it). Each value cell carries its full-precision number in data-value, for tests and tools.
 */

import type { NoiseError } from "../core/denoisingTask.js";
import { formatSig } from "./format.js";

export interface PredictorRow {
  /** A short key, set as the row's data-predictor. */
  key: string;
  /** Label markup (fixed text and computed numbers only). */
  label: string;
  error: NoiseError;
}

export function predictorTable(rows: PredictorRow[], options: { document?: Document } = {}): HTMLTableElement {
  const { document = globalThis.document } = options;
  const table = document.createElement("table");
  table.className = "denoising-errors";
  table.style.cssText = "max-width: 40rem; font-variant-numeric: tabular-nums;";
  const head = table.createTHead().insertRow();
  for (const [k, title] of ["predictor ε̂", "mean ‖ε̂ − ε‖² per point", "per coordinate (training loss)"].entries()) {
    const cell = document.createElement("th");
    cell.textContent = title;
    if (k > 0) cell.style.textAlign = "right";
    head.append(cell);
  }
  const body = table.createTBody();
  for (const { key, label, error } of rows) {
    const row = body.insertRow();
    row.dataset.predictor = key;
    row.insertCell().innerHTML = label;
    for (const [name, value] of [["per-point", error.perPoint], ["per-coordinate", error.perCoordinate]] as const) {
      const cell = row.insertCell();
      cell.className = name;
      cell.dataset.value = String(value);
      cell.textContent = formatSig(value, 4);
      cell.style.textAlign = "right";
    }
  }
  return table;
}
