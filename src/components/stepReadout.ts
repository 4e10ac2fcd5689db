/**
 * The numbers that describe one rung of the forward process: β_t, ᾱ_t, the two coefficients of
 * x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, and the signal-to-noise ratio SNR_t = ᾱ_t / (1 − ᾱ_t).
 */

import type { Schedule } from "../core/schedule.js";
import { formatSig } from "./format.js";

export interface StepValues {
  /** The paper's t: 0 is the clean data, T the last step. */
  t: number;
  /** β_t; NaN at t = 0, where no noise has been added yet. */
  beta: number;
  alphaBar: number;
  sqrtAlphaBar: number;
  sqrtOneMinusAlphaBar: number;
  /** SNR_t; ∞ at t = 0. */
  snr: number;
  /** ln SNR_t; ∞ at t = 0. */
  logSnr: number;
}

/** The schedule's values at paper time t ∈ [0, T]. */
export function stepValues(schedule: Schedule, t: number): StepValues {
  if (!Number.isInteger(t) || t < 0 || t > schedule.T) {
    throw new RangeError(`t must be an integer from 0 to ${schedule.T}, got ${t}`);
  }
  if (t === 0) {
    return { t, beta: NaN, alphaBar: 1, sqrtAlphaBar: 1, sqrtOneMinusAlphaBar: 0, snr: Infinity, logSnr: Infinity };
  }
  const i = t - 1; // arrays hold t = i + 1
  return {
    t,
    beta: schedule.betas[i],
    alphaBar: schedule.alphaBars[i],
    sqrtAlphaBar: schedule.sqrtAlphaBars[i],
    sqrtOneMinusAlphaBar: schedule.sqrtOneMinusAlphaBars[i],
    snr: schedule.snr[i],
    logSnr: schedule.logSnr[i],
  };
}

export interface ReadoutOptions {
  /** "compact": β, ᾱ and SNR on one line each (under a rung); "full": every value. */
  detail?: "compact" | "full";
  document?: Document;
}

/** A definition list of a step's values. */
export function stepReadout(schedule: Schedule, t: number, options: ReadoutOptions = {}): HTMLElement {
  const { detail = "compact", document = globalThis.document } = options;
  const v = stepValues(schedule, t);
  // ᾱ near 1 needs a fourth digit: 0.9999 is not 1.
  const rows: [string, string][] = [
    ["β<sub>t</sub>", formatSig(v.beta)],
    ["ᾱ<sub>t</sub>", formatSig(v.alphaBar, 4)],
    ["SNR", formatSig(v.snr)],
  ];
  if (detail === "full") {
    rows.push(
      ["√ᾱ<sub>t</sub> (signal)", formatSig(v.sqrtAlphaBar, 4)],
      ["√(1 − ᾱ<sub>t</sub>) (noise)", formatSig(v.sqrtOneMinusAlphaBar, 4)],
      ["ln SNR", formatSig(v.logSnr)],
    );
  }
  const list = document.createElement("dl");
  list.className = "chisel-readout";
  list.style.cssText = "display: grid; grid-template-columns: auto 1fr; gap: 0 0.6em; margin: 0; " +
    "font-variant-numeric: tabular-nums;";
  for (const [name, value] of rows) {
    const term = document.createElement("dt");
    term.innerHTML = name;
    term.style.cssText = "font-weight: normal; color: var(--theme-foreground-muted);";
    const definition = document.createElement("dd");
    definition.textContent = value;
    definition.style.margin = "0";
    list.append(term, definition);
  }
  return list;
}
