/**
 * A table comparing schedules on the numbers that matter for sampling: the β range actually used,
 * where the signal and the noise are equally strong (SNR_t = 1), and how close x_T is to N(0, I).
 */

import { terminalCheck } from "../core/schedule.js";
import { formatSig } from "./format.js";
import type { ScheduleSeries } from "./schedulePlots.js";

/** The first t with SNR_t ≤ 1 (signal variance no longer above the noise's), or undefined if none. */
export function snrCrossing(schedule: ScheduleSeries["schedule"]): number | undefined {
  const i = schedule.snr.findIndex((snr) => snr <= 1);
  return i < 0 ? undefined : i + 1;
}

export interface SummaryOptions {
  /** The dataset the KL is measured on (interleaved 2D points) and its name. */
  data: Float64Array;
  dataset: string;
  document?: Document;
}

export function scheduleSummary(series: ScheduleSeries[], options: SummaryOptions): HTMLTableElement {
  const { data, dataset, document = globalThis.document } = options;
  const table = document.createElement("table");
  table.style.cssText = "font-variant-numeric: tabular-nums; max-width: none;";
  const head = table.createTHead().insertRow();
  const titles = ["schedule", "kind", "T", "β₁", "β_T", "SNR = 1 at t", "ᾱ_T", "√ᾱ_T", `KL to N(0, I), ${dataset}`, "x_T is noise"];
  titles.forEach((title, k) => {
    const cell = document.createElement("th");
    cell.innerHTML = title.replace("_T", "<sub>T</sub>");
    if (k >= 2) cell.style.textAlign = "right";
    head.append(cell);
  });
  const body = table.createTBody();
  for (const { label, schedule } of series) {
    const check = terminalCheck(schedule, data);
    const crossing = snrCrossing(schedule);
    const row = body.insertRow();
    const cells = [
      label,
      schedule.kind,
      schedule.T.toLocaleString("en-US"),
      formatSig(schedule.betas[0]),
      formatSig(schedule.betas[schedule.T - 1]),
      crossing === undefined ? "never" : `${crossing} (${formatSig(crossing / schedule.T, 2)} T)`,
      formatSig(check.alphaBarT),
      formatSig(check.sqrtAlphaBarT),
      formatSig(check.klToStandardNormal),
      check.notYetNoise ? "no ⚠" : "yes",
    ];
    cells.forEach((text, k) => {
      const cell = row.insertCell();
      cell.textContent = text;
      if (k >= 2) cell.style.textAlign = "right";
    });
  }
  return table;
}
