/**
 * The terminal-noise gauge: is x_T noise? Sampling starts from N(0, I), which is only right if the
 * forward process has erased the data by t = T. terminalCheck measures how far q(x_T | x_0) still is
 * from N(0, I); here that KL is split into its two sources, for the numbers behind the verdict:
 *
 *   KL(N(√ᾱ_T x_0, (1 − ᾱ_T) I) ‖ N(0, I)) = ½ d (s² − 1 − ln s²)  +  ½ ᾱ_T ‖x_0‖²,   s² = 1 − ᾱ_T
 *                                            (noise variance short of 1)  (data signal left)
 */

import * as Plot from "@observablehq/plot";
import { type Schedule, type TerminalCheck, terminalCheck } from "../core/schedule.js";
import { formatSig, logTickFormat } from "./format.js";

export interface TerminalNumbers extends TerminalCheck {
  T: number;
  /** E‖x_0‖² over the data. */
  dataMeanSquare: number;
  /** ½ d (s² − 1 − ln s²): the noise's variance falls short of 1. */
  varianceTerm: number;
  /** ½ ᾱ_T E‖x_0‖²: the data's signal still in x_T. */
  signalTerm: number;
}

/** terminalCheck on 2D interleaved data, with its KL split into the variance and signal terms. */
export function terminalNumbers(schedule: Schedule, data: Float64Array): TerminalNumbers {
  const check = terminalCheck(schedule, data, 2);
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
  const dataMeanSquare = sum / (data.length / 2);
  // ½ d (s² − 1 − ln s²) with d = 2 and s² = 1 − ᾱ: −ᾱ − ln(1 − ᾱ), by log1p so a tiny ᾱ does not cancel to 0.
  const varianceTerm = -check.alphaBarT - Math.log1p(-check.alphaBarT);
  return { ...check, T: schedule.T, dataMeanSquare, varianceTerm, signalTerm: 0.5 * check.alphaBarT * dataMeanSquare };
}

export interface TerminalGaugeOptions {
  /** The dataset's name, for the text. */
  dataset?: string;
  width?: number;
  document?: Document;
}

/** Lowest KL the gauge draws; smaller values sit at its left end. */
const KL_FLOOR = 1e-8;

export function terminalGauge(numbers: TerminalNumbers, options: TerminalGaugeOptions = {}): HTMLElement {
  const { dataset = "the data", width = 560, document = globalThis.document } = options;
  const { klToStandardNormal: kl, klThreshold, notYetNoise } = numbers;
  const root = document.createElement("div");
  root.className = "chisel-terminal-gauge";

  const verdict = document.createElement("div");
  verdict.className = notYetNoise ? "warning" : "tip";
  verdict.setAttribute("role", notYetNoise ? "alert" : "status");
  verdict.innerHTML = notYetNoise
    ? `<b>x<sub>T</sub> is not yet noise.</b> After T = ${numbers.T} steps, √ᾱ<sub>T</sub> = ${formatSig(numbers.sqrtAlphaBarT, 4)} of ` +
      `each point of ${dataset} is still in x<sub>T</sub>, and KL(q(x<sub>T</sub>|x<sub>0</sub>) ‖ N(0, I)) = ${formatSig(kl)} nats, ` +
      `above the ${formatSig(klThreshold)} nat threshold. A sampler that starts from N(0, I) starts from the wrong ` +
      `distribution: lengthen the schedule or raise β.`
    : `<b>x<sub>T</sub> is noise.</b> After T = ${numbers.T} steps only √ᾱ<sub>T</sub> = ${formatSig(numbers.sqrtAlphaBarT, 3)} of ` +
      `each point of ${dataset} is left, and KL(q(x<sub>T</sub>|x<sub>0</sub>) ‖ N(0, I)) = ${formatSig(kl)} nats, below the ` +
      `${formatSig(klThreshold)} nat threshold: starting the sampler from N(0, I) is right.`;

  const high = Math.max(1e3, kl * 10);
  const gauge = Plot.plot({
    document,
    width,
    height: 90,
    marginLeft: 28,
    marginRight: 28,
    x: {
      type: "log",
      domain: [KL_FLOOR, high],
      clamp: true,
      label: "KL to N(0, I), nats (log scale)",
      // Every other decade: full labels like 1×10⁻⁶ need the room.
      ticks: Array.from({ length: Math.floor(Math.log10(high / KL_FLOOR) / 2) + 1 }, (_, k) => KL_FLOOR * 100 ** k),
      tickFormat: logTickFormat,
    },
    y: { axis: null, domain: [0, 1] },
    marks: [
      Plot.rect([{ x1: KL_FLOOR, x2: klThreshold }], { x1: "x1", x2: "x2", y1: 0.25, y2: 0.75, fill: "green", fillOpacity: 0.2 }),
      Plot.rect([{ x1: klThreshold, x2: high }], { x1: "x1", x2: "x2", y1: 0.25, y2: 0.75, fill: "red", fillOpacity: 0.2 }),
      Plot.ruleX([klThreshold], { y1: 0.1, y2: 0.9, stroke: "currentColor", strokeDasharray: "3,2" }),
      Plot.text([klThreshold], { x: (d: number) => d, y: 0.95, text: () => "threshold", textAnchor: "start", dx: 3 }),
      Plot.dot([Math.max(kl, KL_FLOOR)], { x: (d: number) => d, y: 0.5, r: 7, fill: "currentColor", symbol: "diamond" }),
      Plot.text([Math.max(kl, KL_FLOOR)], { x: (d: number) => d, y: 0.95, text: () => `KL ${formatSig(kl)}`, textAnchor: "middle" }),
    ],
  });

  const table = document.createElement("table");
  table.style.cssText = "max-width: 40rem; font-variant-numeric: tabular-nums;";
  const rows: [string, string][] = [
    ["ᾱ<sub>T</sub>", formatSig(numbers.alphaBarT, 4)],
    ["√ᾱ<sub>T</sub>, share of x<sub>0</sub> left in x<sub>T</sub>", formatSig(numbers.sqrtAlphaBarT, 4)],
    ["SNR<sub>T</sub> = ᾱ<sub>T</sub> / (1 − ᾱ<sub>T</sub>)", formatSig(numbers.snrT)],
    [`E‖x<sub>0</sub>‖² over ${dataset}`, formatSig(numbers.dataMeanSquare, 4)],
    ["noise variance short of 1: ½·2·(s² − 1 − ln s²), s² = 1 − ᾱ<sub>T</sub>", formatSig(numbers.varianceTerm)],
    ["signal left: ½ ᾱ<sub>T</sub> E‖x<sub>0</sub>‖²", formatSig(numbers.signalTerm)],
    ["KL, the sum (nats)", formatSig(kl)],
  ];
  for (const [name, value] of rows) {
    const row = table.insertRow();
    row.insertCell().innerHTML = name;
    const cell = row.insertCell();
    cell.textContent = value;
    cell.style.textAlign = "right";
  }
  root.append(verdict, gauge, table);
  return root;
}
