/**
 * One reverse step t → t − 1 for one point, number by number: the schedule values, the two coefficients
 * of the posterior mean μ̃ = coefX0 · x̂_0 + coefXt · x_t with the arithmetic per coordinate, σ_t, the
 * noise z and x_{t−1}. The numbers come from reverseStepNumbers (src/core/reverseStep.ts).
 */

import type { ReverseStepNumbers } from "../core/reverseStep.js";
import { formatSig } from "./format.js";

const DIGITS = 4;
const num = (v: number) => formatSig(v, DIGITS);
const vector = (v: number[]) => `(${v.map(num).join(", ")})`;

export function reverseStepTable(step: ReverseStepNumbers, options: { document?: Document } = {}): HTMLTableElement {
  const { document = globalThis.document } = options;
  const t = step.t + 1; // the paper's t
  const last = step.t === 0;
  const sigmaName = step.variance === "beta" ? "√β<sub>t</sub>" : "√β̃<sub>t</sub>";
  const sigmaFormula = last
    ? "0 on the last step (Algorithm 2 adds no noise into the data)"
    : step.variance === "beta"
    ? `${sigmaName}`
    : `${sigmaName}, β̃<sub>t</sub> = β<sub>t</sub>(1 − ᾱ<sub>t−1</sub>)/(1 − ᾱ<sub>t</sub>) = ${num(step.sigma ** 2)}`;
  const perCoordinate = (values: (i: number) => string) => step.xt.map((_, i) => values(i)).join("<br>");
  const rows: [string, string, string, string?][] = [
    ["step", "", `t = ${t} → ${t - 1}`],
    ["β<sub>t</sub>", "", num(step.beta)],
    ["α<sub>t</sub>", "1 − β<sub>t</sub>", num(step.alpha)],
    ["ᾱ<sub>t</sub>", "∏<sub>s≤t</sub> α<sub>s</sub>", num(step.alphaBar)],
    ["ᾱ<sub>t−1</sub>", t === 1 ? "1 (no step taken yet)" : "ᾱ<sub>t</sub> / α<sub>t</sub>", num(step.alphaBarPrev)],
    ["coefX0", "β<sub>t</sub> √ᾱ<sub>t−1</sub> / (1 − ᾱ<sub>t</sub>)", num(step.coefX0), "coef-x0"],
    ["coefXt", "√α<sub>t</sub> (1 − ᾱ<sub>t−1</sub>) / (1 − ᾱ<sub>t</sub>)", num(step.coefXt), "coef-xt"],
    ["x<sub>t</sub>", "the point", vector(step.xt), "xt"],
    ["x̂<sub>0</sub>", "(x<sub>t</sub> − √(1 − ᾱ<sub>t</sub>) ε̂) / √ᾱ<sub>t</sub>", vector(step.x0), "x0"],
    [
      "μ̃",
      "coefX0 · x̂<sub>0</sub> + coefXt · x<sub>t</sub>",
      perCoordinate((i) =>
        `${num(step.coefX0)} × ${num(step.x0[i])} + ${num(step.coefXt)} × ${num(step.xt[i])} = <b>${num(step.mean[i])}</b>`
      ),
      "mean",
    ],
    ["σ<sub>t</sub>", sigmaFormula, num(step.sigma), "sigma"],
    ["z", last ? "0 on the last step" : "a draw of N(0, I)", vector(step.z), "z"],
    [
      "x<sub>t−1</sub>",
      "μ̃ + σ<sub>t</sub> z",
      perCoordinate((i) => `${num(step.mean[i])} + ${num(step.sigma)} × ${num(step.z[i])} = <b>${num(step.xPrev[i])}</b>`),
      "x-prev",
    ],
  ];
  const table = document.createElement("table");
  table.className = "reverse-step";
  table.style.cssText = "max-width: none; font-variant-numeric: tabular-nums;";
  const head = table.createTHead().insertRow();
  for (const title of ["", "formula", "value"]) {
    const cell = document.createElement("th");
    cell.textContent = title;
    head.append(cell);
  }
  const body = table.createTBody();
  for (const [name, formula, value, className] of rows) {
    const row = body.insertRow();
    if (className) row.className = className;
    row.insertCell().innerHTML = name;
    row.insertCell().innerHTML = formula;
    row.insertCell().innerHTML = value;
  }
  return table;
}
