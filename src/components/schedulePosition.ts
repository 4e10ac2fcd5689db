/**
 * Where a timestep sits on its schedule: the signal and noise coefficients √ᾱ_t and √(1 − ᾱ_t) of
 * x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε over t = 0 … T, with the current t marked.
 */

import * as Plot from "@observablehq/plot";
import type { Schedule } from "../core/schedule.js";
import { stepValues } from "./stepReadout.js";

const SIGNAL = "√ᾱₜ signal";
const NOISE = "√(1−ᾱₜ) noise";

/** At most this many points per curve: one per pixel column is plenty. */
const MAX_POINTS = 1000;

export interface SchedulePositionOptions {
  width?: number;
  height?: number;
  document?: Document;
}

export function schedulePosition(schedule: Schedule, t: number, options: SchedulePositionOptions = {}): SVGSVGElement | HTMLElement {
  const { height = 200, document = globalThis.document } = options;
  const width = Math.max(options.width ?? 400, 240); // room for the 110 px of curve labels

  const current = stepValues(schedule, t);
  const stride = Math.max(1, Math.ceil(schedule.T / MAX_POINTS));
  const rows: { t: number; value: number; curve: string }[] = [];
  for (let s = 0; s <= schedule.T; s += stride) addRows(s);
  if (schedule.T % stride !== 0) addRows(schedule.T);
  function addRows(s: number): void {
    const v = stepValues(schedule, s);
    rows.push({ t: s, value: v.sqrtAlphaBar, curve: SIGNAL }, { t: s, value: v.sqrtOneMinusAlphaBar, curve: NOISE });
  }
  const now = [
    { t, value: current.sqrtAlphaBar, curve: SIGNAL },
    { t, value: current.sqrtOneMinusAlphaBar, curve: NOISE },
  ];
  return Plot.plot({
    document,
    width,
    height,
    marginRight: 110,
    x: { label: "t", domain: [0, schedule.T] },
    y: { label: "coefficient", domain: [0, 1], grid: true },
    marks: [
      Plot.ruleX([t], { stroke: "var(--theme-foreground-focus)", strokeOpacity: 0.6 }),
      Plot.line(rows.filter((d) => d.curve === SIGNAL), { x: "t", y: "value", stroke: "currentColor" }),
      Plot.line(rows.filter((d) => d.curve === NOISE), { x: "t", y: "value", stroke: "currentColor", strokeDasharray: "4,3" }),
      Plot.text(rows.filter((d) => d.t === rows[rows.length - 1].t), { x: "t", y: "value", text: "curve", textAnchor: "start", dx: 6 }),
      Plot.dot(now, { x: "t", y: "value", r: 4, fill: "var(--theme-foreground-focus)" }),
    ],
  });
}
