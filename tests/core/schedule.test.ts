import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALPHA_BAR_FLOOR,
  COSINE_MAX_BETA,
  cosineAlphaBar,
  DEFAULT_SCHEDULE,
  makeSchedule,
  SCHEDULE_KINDS,
  type ScheduleKind,
  scheduleConfigError,
  terminalCheck,
} from "../../src/core/schedule.js";
import { makeDataset } from "../../src/core/datasets.js";

const anySchedule = fc.record({
  kind: fc.constantFrom(...SCHEDULE_KINDS) as fc.Arbitrary<ScheduleKind>,
  T: fc.integer({ min: 1, max: 3000 }),
  betaStart: fc.double({ min: 1e-6, max: 0.01, noNaN: true }),
  span: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
}).map(({ kind, T, betaStart, span }) => ({ kind, T, betaStart, betaEnd: betaStart + span }));

describe("noise schedules", () => {
  it("keeps ᾱ = ∏α decreasing, SNR = ᾱ/(1−ᾱ) and √ᾱ² + √(1−ᾱ)² = 1 for every kind and T", () => {
    fc.assert(
      fc.property(anySchedule, (config) => {
        const s = makeSchedule(config);
        let product = 1;
        let worst = 0; // the largest violation of any identity, relative where the value can be tiny
        for (let i = 0; i < s.T; i++) {
          product = Math.max(product * (1 - s.betas[i]), ALPHA_BAR_FLOOR);
          const oneMinus = s.sqrtOneMinusAlphaBars[i] ** 2;
          worst = Math.max(
            worst,
            Math.abs(s.alphas[i] - (1 - s.betas[i])),
            Math.abs(s.alphaBars[i] / product - 1),
            Math.abs(s.sqrtAlphaBars[i] ** 2 + oneMinus - 1),
            Math.abs(s.snr[i] / (s.alphaBars[i] / oneMinus) - 1),
            s.alphaBars[i] > ALPHA_BAR_FLOOR ? Math.abs(s.logSnr[i] - Math.log(s.snr[i])) / Math.max(1, Math.abs(s.logSnr[i])) : 0,
          );
          if (!(s.betas[i] > 0 && s.betas[i] < 1)) worst = Infinity;
          if (i > 0 && !(s.alphaBars[i] < s.alphaBars[i - 1] || s.alphaBars[i] === ALPHA_BAR_FLOOR)) worst = Infinity;
        }
        expect(worst).toBeLessThan(1e-9);
      }),
      { numRuns: 60 },
    );
  });

  it("has a posterior whose mean and variance match Bayes' rule for q(x_{t−1} | x_t, x_0)", () => {
    // Independent derivation: x_{t−1} | x_0 ~ N(√ᾱ' x_0, 1−ᾱ'), x_t | x_{t−1} ~ N(√α x_{t−1}, β).
    // Posterior precision = 1/(1−ᾱ') + α/β; mean = var · (√ᾱ' x_0/(1−ᾱ') + √α x_t/β).
    const s = makeSchedule();
    for (const i of [1, 10, 249, 500, 999]) {
      const abPrev = s.alphaBars[i - 1];
      const beta = s.betas[i];
      const precision = 1 / (1 - abPrev) + (1 - beta) / beta;
      const variance = 1 / precision;
      expect(s.posteriorVariance[i] / variance).toBeCloseTo(1, 10);
      expect(s.posteriorMeanCoefX0[i] / (variance * Math.sqrt(abPrev) / (1 - abPrev))).toBeCloseTo(1, 10);
      expect(s.posteriorMeanCoefXt[i] / (variance * Math.sqrt(1 - beta) / beta)).toBeCloseTo(1, 10);
    }
    expect(s.posteriorVariance[0]).toBe(0); // β̃_1 = 0: x_0 is known exactly given x_0
  });

  it("matches the cosine closed form of Nichol & Dhariwal (2021) until the clip", () => {
    for (const T of [10, 1000, 4000]) {
      const s = makeSchedule({ kind: "cosine", T, betaStart: 0, betaEnd: 0 });
      for (let i = 0; i < T; i++) {
        const closedForm = cosineAlphaBar(i + 1, T);
        if (s.betas[i] < COSINE_MAX_BETA) {
          expect(Math.abs(s.alphaBars[i] - closedForm)).toBeLessThan(1e-12);
        }
      }
      expect(s.betas[T - 1]).toBe(COSINE_MAX_BETA); // f(T) = cos²(π/2) = 0 so the last β is clipped
    }
  });

  it("gives the default linear schedule's 1 − ᾱ at t = 250 and t = 500 as computed independently", () => {
    // Reference: numpy float64, 1 - cumprod(1 - linspace(1e-4, 0.02, 1000)) and the same via math.fsum of log1p.
    const s = makeSchedule(DEFAULT_SCHEDULE);
    expect(1 - s.alphaBars[249]).toBeCloseTo(0.4759146261746394, 12); // paper t = 250
    expect(1 - s.alphaBars[499]).toBeCloseTo(0.9214127571182218, 12); // paper t = 500
    expect(s.sqrtAlphaBars[999]).toBeCloseTo(0.006352818087570016, 12);
    expect(s.betas[0]).toBe(1e-4);
    expect(s.betas[999]).toBeCloseTo(0.02, 15);
  });

  it("builds the quadratic and sigmoid kinds between β_start and β_end", () => {
    const quadratic = makeSchedule({ kind: "quadratic", T: 5, betaStart: 0.01, betaEnd: 0.09 });
    // linear in √β: 0.1, 0.15, 0.2, 0.25, 0.3 → squared
    expect(Array.from(quadratic.betas).map((b) => +b.toFixed(12))).toEqual([0.01, 0.0225, 0.04, 0.0625, 0.09]);
    const sigmoid = makeSchedule({ kind: "sigmoid", T: 3, betaStart: 0.01, betaEnd: 0.03 });
    const lo = 1 / (1 + Math.exp(6));
    expect(sigmoid.betas[0]).toBeCloseTo(0.01 + 0.02 * lo, 15);
    expect(sigmoid.betas[1]).toBeCloseTo(0.02, 15);
    expect(sigmoid.betas[2]).toBeCloseTo(0.03 - 0.02 * lo, 15);
  });

  it("keeps ᾱ finite and positive, and ln SNR exact, where the product underflows", () => {
    const s = makeSchedule({ ...DEFAULT_SCHEDULE, T: 100_000 });
    expect(s.alphaBars[99_999]).toBe(ALPHA_BAR_FLOOR);
    // ln ᾱ_T = Σ ln(1 − β_t) with β linear from 1e-4 to 0.02 over 100,000 steps (math.fsum of log1p in python).
    expect(s.logSnr[99_999]).toBeCloseTo(-1011.7680169141787, 6);
    expect(s.sqrtAlphaBars.every((v) => v > 0 && Number.isFinite(1 / v))).toBe(true);
  });

  it("accepts T from 1 to 100,000 and rejects anything else with a one-line reason", () => {
    expect(makeSchedule({ ...DEFAULT_SCHEDULE, T: 1 }).betas).toEqual(new Float64Array([1e-4]));
    expect(makeSchedule({ ...DEFAULT_SCHEDULE, T: 100_000 }).alphaBars.length).toBe(100_000);
    const bad: [Partial<typeof DEFAULT_SCHEDULE>, RegExp][] = [
      [{ T: 0 }, /T must be an integer from 1 to 100000/],
      [{ T: 100_001 }, /T must be/],
      [{ T: 2.5 }, /T must be/],
      [{ betaEnd: 1e-5 }, /betaEnd must be greater than betaStart/],
      [{ betaEnd: 1 }, /betaEnd must be a number in \(0, 1\)/],
      [{ betaStart: 0 }, /betaStart must be a number in \(0, 1\)/],
      [{ betaStart: Number.NaN }, /betaStart/],
    ];
    for (const [change, message] of bad) {
      const config = { ...DEFAULT_SCHEDULE, ...change };
      expect(scheduleConfigError(config)).toMatch(message);
      expect(() => makeSchedule(config)).toThrow(message);
    }
  });
});

describe("terminal check", () => {
  const spiral = makeDataset("spiral", { n: 2048, seed: 0 });

  it("computes the KL to N(0, I) from its closed form", () => {
    const s = makeSchedule({ ...DEFAULT_SCHEDULE, T: 10 });
    const check = terminalCheck(s, spiral);
    const ab = s.alphaBars[9];
    let meanSquare = 0;
    for (let i = 0; i < spiral.length; i += 2) meanSquare += spiral[i] ** 2 + spiral[i + 1] ** 2;
    meanSquare /= spiral.length / 2;
    // Per point: ½ Σ_d ((1−ᾱ) + ᾱ x_d² − 1 − ln(1−ᾱ)).
    const expected = 0.5 * (2 * (-ab - Math.log(1 - ab)) + ab * meanSquare);
    expect(check.klToStandardNormal).toBeCloseTo(expected, 12);
    expect(check.sqrtAlphaBarT).toBeCloseTo(0.9506521004822096, 12); // numpy, T = 10
  });

  it("flags T = 10 and T = 50 with the default β range as not yet noise, and passes T = 1000", () => {
    for (const T of [10, 50]) expect(terminalCheck(makeSchedule({ ...DEFAULT_SCHEDULE, T }), spiral).notYetNoise).toBe(true);
    const full = terminalCheck(makeSchedule(DEFAULT_SCHEDULE), spiral);
    expect(full.notYetNoise).toBe(false);
    expect(full.klToStandardNormal).toBeLessThan(1e-3);
    expect(full.alphaBarT).toBeCloseTo(4.035829765375676e-5, 15);
  });
});
