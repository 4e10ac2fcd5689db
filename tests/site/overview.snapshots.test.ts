/**
 * The overview (staircase) and noise-schedule pages' components: the numbers they show, checked
 * against values computed independently (numpy, closed forms, or a direct loop), and their SVG/HTML
 * output compared with committed snapshots in tests/site/__snapshots__, as Observable Plot's own tests do
 * (UPDATE_SNAPSHOTS=1 writes missing ones and accepts deliberate changes; see tests/support/snapshot.ts).
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { qSample } from "../../src/core/forward.js";
import { Rng } from "../../src/core/random.js";
import { DEFAULT_SCHEDULE, makeSchedule, terminalCheck } from "../../src/core/schedule.js";
import { formatSig } from "../../src/components/format.js";
import { meanSquare, meanSquareStandardError, predictedMeanSquare } from "../../src/components/moments.js";
import { angles, pointCloud } from "../../src/components/pointCloud.js";
import { rungTimes } from "../../src/core/rungs.js";
import { scalarPaths, scalarPathsPlot } from "../../src/components/scalarPaths.js";
import { alphaBarPlot, betaPlot, coefficientPlot, logSnrPlot, sampledIndices } from "../../src/components/schedulePlots.js";
import { schedulePosition } from "../../src/components/schedulePosition.js";
import { scheduleSummary, snrCrossing } from "../../src/components/scheduleSummary.js";
import { staircase } from "../../src/components/staircase.js";
import { stepReadout, stepValues } from "../../src/components/stepReadout.js";
import { terminalGauge, terminalNumbers } from "../../src/components/terminalGauge.js";
import { matchSnapshot } from "../support/snapshot.js";

const document = new JSDOM("").window.document;


const ddpm = makeSchedule(DEFAULT_SCHEDULE);
const cosine = makeSchedule({ ...DEFAULT_SCHEDULE, kind: "cosine" });
const quadratic = makeSchedule({ ...DEFAULT_SCHEDULE, kind: "quadratic" });
const short = makeSchedule({ ...DEFAULT_SCHEDULE, T: 10 });

describe("rung choice (numpy: betas = linspace(1e-4, 0.02, 1000), alpha_bar = cumprod(1 - betas))", () => {
  it("spaces rungs evenly in the noise level √(1 − ᾱ)", () => {
    expect(rungTimes(ddpm, 10, "sigma")).toEqual([0, 32, 67, 105, 145, 188, 239, 301, 391, 1000]);
  });
  it("spaces rungs evenly in ᾱ", () => {
    expect(rungTimes(ddpm, 10, "alphaBar")).toEqual([0, 105, 155, 198, 239, 281, 328, 384, 465, 1000]);
  });
  it("spaces rungs evenly in t", () => {
    expect(rungTimes(ddpm, 10, "t")).toEqual([0, 111, 222, 333, 444, 556, 667, 778, 889, 1000]);
  });
  it("drops repeated rungs on a schedule shorter than the rung count", () => {
    expect(rungTimes(makeSchedule({ ...DEFAULT_SCHEDULE, T: 3 }), 10, "t")).toEqual([0, 1, 2, 3]);
  });
  it("refuses a bad count or spacing", () => {
    expect(() => rungTimes(ddpm, 1, "t")).toThrow(RangeError);
    expect(() => rungTimes(ddpm, 10, "log" as never)).toThrow(/spacing must be one of/);
  });
});

describe("readouts", () => {
  it("reads the schedule at paper time t, with t = 0 the clean data", () => {
    const v = stepValues(ddpm, 500);
    expect(v.beta).toBeCloseTo(0.01004004004004004, 15);
    expect(v.alphaBar).toBeCloseTo(0.07858724288177824, 12);
    expect(v.sqrtAlphaBar).toBeCloseTo(0.2803341628873981, 12);
    expect(v.snr).toBeCloseTo(0.07858724288177824 / (1 - 0.07858724288177824), 12);
    expect(stepValues(ddpm, 0)).toMatchObject({ alphaBar: 1, sqrtOneMinusAlphaBar: 0, snr: Infinity });
    expect(() => stepValues(ddpm, 1001)).toThrow(/t must be an integer from 0 to 1000/);
  });
  it("formats small, large and undefined values", () => {
    expect(formatSig(4.035829765375676e-5)).toBe("4.04×10⁻⁵");
    expect(formatSig(1e-4)).toBe("1×10⁻⁴");
    expect(formatSig(0.9999, 4)).toBe("0.9999");
    expect(formatSig(0.9999)).toBe("1");
    expect(formatSig(-0.25)).toBe("−0.25");
    expect(formatSig(123456)).toBe("1.23×10⁵");
    expect(formatSig(NaN)).toBe("—");
    expect(formatSig(Infinity)).toBe("∞");
  });
  it("finds where SNR crosses 1 (numpy: linear 260, cosine 497, quadratic 419)", () => {
    expect(snrCrossing(ddpm)).toBe(260);
    expect(snrCrossing(cosine)).toBe(497);
    expect(snrCrossing(quadratic)).toBe(419);
    expect(snrCrossing(makeSchedule({ ...DEFAULT_SCHEDULE, T: 5 }))).toBeUndefined();
  });
  it("downsamples long schedules but keeps the last step", () => {
    expect(sampledIndices(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const long = sampledIndices(100_000);
    expect(long.length).toBeLessThanOrEqual(1001);
    expect(long.at(-1)).toBe(99_999);
  });
});

describe("moments of x_t", () => {
  it("predicts ᾱ m0 + (1 − ᾱ) and its sampling spread, checked by repeated closed-form draws", () => {
    const x0 = makeDataset("ring", { n: 256, seed: 3 });
    const m0 = meanSquare(x0);
    const index = 299;
    const alphaBar = ddpm.alphaBars[index];
    const rng = new Rng(11);
    const draws = Array.from({ length: 400 }, () => meanSquare(qSample(ddpm, x0, index, rng).xt));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
    const se = meanSquareStandardError(m0, alphaBar, x0.length);
    expect(Math.abs(mean - predictedMeanSquare(m0, alphaBar))).toBeLessThan(4 * se / Math.sqrt(draws.length));
    expect(sd / se).toBeGreaterThan(0.85);
    expect(sd / se).toBeLessThan(1.15);
    // Pure noise: the mean square of N coordinates of N(0, 1) has standard error √(2 / N).
    expect(meanSquareStandardError(m0, 0, 4096)).toBeCloseTo(Math.sqrt(2 / 4096), 15);
  });
});

describe("one scalar through the forward process", () => {
  const schedule = makeSchedule({ ...DEFAULT_SCHEDULE, T: 50 });
  const data = scalarPaths(schedule, { paths: 3, seed: 5, times: [25] });

  it("matches a direct loop over the same noise stream", () => {
    // forwardChain draws, per step, one normal per coordinate of 2 points (3 paths round up to 4 coordinates).
    const rng = new Rng(5);
    const x = [1, 1, 1, 1];
    const at25: number[] = [];
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 4; j++) x[j] = Math.sqrt(1 - schedule.betas[i]) * x[j] + Math.sqrt(schedule.betas[i]) * rng.normal();
      if (i === 24) at25.push(...x);
    }
    const k25 = data.t.indexOf(25);
    const kEnd = data.t.indexOf(50);
    for (let p = 0; p < 3; p++) {
      expect(data.paths[p][0]).toBe(1);
      expect(data.paths[p][k25]).toBeCloseTo(at25[p], 12);
      expect(data.paths[p][kEnd]).toBeCloseTo(x[p], 12);
    }
  });
  it("gives the exact mean √ᾱ_t and standard deviation √(1 − ᾱ_t) (numpy, T = 50)", () => {
    expect(data.t[0]).toBe(0);
    expect(data.mean[data.t.indexOf(25)]).toBeCloseTo(0.9395280354732569, 12);
    expect(data.mean[data.t.indexOf(50)]).toBeCloseTo(0.7764995797356976, 12);
    expect(data.sd[data.t.indexOf(50)]).toBeCloseTo(0.6301177688895029, 12);
  });
  it("refuses a bad path count or time", () => {
    expect(() => scalarPaths(schedule, { paths: 0 })).toThrow(/paths must be an integer from 1 to 50/);
    expect(() => scalarPaths(schedule, { times: [51] })).toThrow(/times must be integers from 1 to 50/);
  });
});

describe("terminal gauge numbers", () => {
  it("splits the KL of T = 10 (default β) into variance and signal terms (numpy)", () => {
    const data = makeDataset("spiral", { n: 512, seed: 0 });
    const numbers = terminalNumbers(short, data);
    let sum = 0;
    for (const v of data) sum += v * v;
    expect(numbers.alphaBarT).toBeCloseTo(0.9037394161512371, 12);
    expect(numbers.varianceTerm).toBeCloseTo(1.4369569336433219, 10);
    expect(numbers.signalTerm).toBeCloseTo(0.5 * 0.9037394161512371 * (sum / 512), 10);
    expect(numbers.varianceTerm + numbers.signalTerm).toBeCloseTo(terminalCheck(short, data).klToStandardNormal, 10);
    expect(numbers.notYetNoise).toBe(true);
  });
  it("keeps the variance term accurate when ᾱ_T is tiny", () => {
    // −ᾱ − ln(1 − ᾱ) = ᾱ²/2 + ᾱ³/3 + …; for ᾱ_T = 4.0358e-5 that is 8.144e-10.
    const numbers = terminalNumbers(ddpm, makeDataset("blob", { n: 64 }));
    const a = ddpm.alphaBars[999];
    expect(numbers.varianceTerm / (a * a / 2 + a ** 3 / 3)).toBeCloseTo(1, 8);
    expect(numbers.notYetNoise).toBe(false);
  });
});

describe("snapshots", () => {
  const x0 = makeDataset("spiral", { n: 96, seed: 0 });
  const chainRng = new Rng(1);
  const rungs = rungTimes(ddpm, 10, "sigma").map((t) => ({
    t,
    points: t === 0 ? x0 : qSample(ddpm, x0, t - 1, chainRng).xt,
  }));

  it("staircase, reverse reading", () => {
    const element = staircase(ddpm, rungs, { direction: "reverse", hue: angles(x0), size: 120, document });
    const headings = [...element.querySelectorAll("figure > div")].map((d) => d.textContent);
    expect(headings[0]).toBe("1. t = 1000 (= T)");
    expect(headings[9]).toBe("10. t = 0 (data)");
    matchSnapshot("overview-staircase.html", element);
  });
  it("step readout", () => {
    matchSnapshot("overview-readout.html", stepReadout(ddpm, 500, { detail: "full", document }));
  });
  it("large point cloud", () => {
    matchSnapshot("overview-cloud.svg", pointCloud(rungs[4].points, { hue: angles(x0), background: x0, axes: true, size: 320, document }));
  });
  it("schedule position", () => {
    matchSnapshot("overview-position.svg", schedulePosition(ddpm, 150, { width: 400, document }));
  });

  const series = [
    { label: "DDPM linear", schedule: ddpm, color: "#4269d0" },
    { label: "cosine", schedule: cosine, color: "#efb118" },
    { label: "yours", schedule: short, color: "#ff725c" },
  ];
  it("β plot", () => matchSnapshot("schedules-beta.svg", betaPlot(series, { width: 480, document })));
  it("ᾱ plot", () => matchSnapshot("schedules-alpha-bar.svg", alphaBarPlot(series, { width: 480, document })));
  it("coefficient plot", () => matchSnapshot("schedules-coefficients.svg", coefficientPlot(series, { width: 480, document })));
  it("log-SNR plot", () => matchSnapshot("schedules-log-snr.svg", logSnrPlot(series, { width: 480, document })));
  it("summary table", () => {
    matchSnapshot("schedules-summary.html", scheduleSummary(series, { data: x0, dataset: "spiral", document }));
  });
  it("scalar paths", () => {
    const paths = scalarPaths(makeSchedule({ ...DEFAULT_SCHEDULE, T: 50 }), { paths: 4, seed: 0 });
    matchSnapshot("schedules-scalar-paths.svg", scalarPathsPlot(paths, { width: 480, height: 240, document }));
  });
  it("terminal gauge, not yet noise", () => {
    const element = terminalGauge(terminalNumbers(short, x0), { dataset: "the spiral", width: 480, document });
    expect(element.querySelector(".warning")?.textContent).toContain("xT is not yet noise");
    matchSnapshot("schedules-terminal-gauge.html", element);
  });
});
