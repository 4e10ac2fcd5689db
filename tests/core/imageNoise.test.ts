import { describe, expect, it } from "vitest";
import {
  alphaBarAtStep,
  ImageChain,
  imageSchedule,
  integratedRate,
  rmsDistance,
  snrAtStep,
} from "../../src/core/imageNoise.js";
import { toSignal } from "../../src/core/rasterImage.js";
import { Rng } from "../../src/core/random.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { flower } from "../../src/core/syntheticImages.js";

describe("imageSchedule", () => {
  // Reference values from numpy: β_t = 1 − exp(−m (B(t/N) − B((t−1)/N))), ᾱ = cumprod(1 − β),
  // B(s) = 0.1 s + 9.95 s².
  it("matches numpy at N = 30, scale 1 and N = 5, scale 2", () => {
    const a = imageSchedule(30, 1);
    expect(a.betas[0]).toBeCloseTo(0.014285863559109546, 14);
    expect(a.betas[29]).toBeCloseTo(0.48087527725415014, 14);
    expect(a.alphaBars[14]).toBeCloseTo(0.07906381245316066, 14);
    expect(a.alphaBars[29] / 4.318574906034134e-5).toBeCloseTo(1, 12);
    const b = imageSchedule(5, 2);
    expect(b.betas[0]).toBeCloseTo(0.5665591761834958, 14);
    expect(b.betas[4]).toBeCloseTo(0.9992563945701259, 14);
    expect(b.alphaBars[1]).toBeCloseTo(0.03823515112359886, 14);
    expect(b.alphaBars[4] / 1.865008921902883e-9).toBeCloseTo(1, 10);
  });

  it("keeps ᾱ_t = ∏(1 − β_s) = exp(−scale · B(t/N)), so ᾱ_N = e^(−10.05 scale) for every N", () => {
    for (const [steps, scale] of [[5, 0.1], [17, 0.75], [100, 2]]) {
      const { betas, alphaBars } = imageSchedule(steps, scale);
      let product = 1;
      for (let i = 0; i < steps; i++) {
        expect(betas[i]).toBeGreaterThan(0);
        expect(betas[i]).toBeLessThan(1);
        if (i > 0) expect(betas[i]).toBeGreaterThan(betas[i - 1]); // the rate grows with s
        product *= 1 - betas[i];
        expect(product / alphaBars[i]).toBeCloseTo(1, 12);
        expect(Math.log(alphaBars[i])).toBeCloseTo(-scale * integratedRate((i + 1) / steps), 12);
      }
      expect(Math.log(alphaBars[steps - 1])).toBeCloseTo(-10.05 * scale, 12);
    }
  });

  it("ends near DDPM's T = 1000 linear schedule at scale 1 (ln ᾱ_T −10.05 against −10.12)", () => {
    const ddpm = Math.log(makeSchedule().alphaBars[999]);
    expect(ddpm).toBeCloseTo(-10.1177, 3);
    expect(Math.abs(Math.log(imageSchedule(100, 1).alphaBars[99]) / ddpm - 1)).toBeLessThan(0.01);
  });

  it("reports ᾱ and SNR per step, with the clean image at t = 0", () => {
    const schedule = imageSchedule(30, 1);
    expect(alphaBarAtStep(schedule, 0)).toBe(1);
    expect(snrAtStep(schedule, 0)).toBe(Infinity);
    const alphaBar = schedule.alphaBars[14];
    expect(alphaBarAtStep(schedule, 15)).toBe(alphaBar);
    expect(snrAtStep(schedule, 15)).toBeCloseTo(0.07906381245316066 / (1 - 0.07906381245316066), 13);
    // numpy: ᾱ_1 = exp(−(0.1/30 + 9.95/900)) = 0.98571413644089, SNR_1 = 68.99863...
    expect(snrAtStep(schedule, 1)).toBeCloseTo(0.9857141364408905 / 0.014285863559109546, 9);
  });

  it("refuses steps and scales out of range", () => {
    expect(() => imageSchedule(4, 1)).toThrow(/steps must be an integer from 5 to 100, got 4/);
    expect(() => imageSchedule(101, 1)).toThrow(RangeError);
    expect(() => imageSchedule(30.5, 1)).toThrow(RangeError);
    expect(() => imageSchedule(30, 0)).toThrow(/betaScale must be from 0.1 to 2, got 0/);
    expect(() => imageSchedule(30, Number.NaN)).toThrow(RangeError);
    expect(() => imageSchedule(30, 2.5)).toThrow(RangeError);
    expect(() => alphaBarAtStep(imageSchedule(30, 1), 31)).toThrow(/t must be an integer from 0 to 30, got 31/);
  });
});

describe("ImageChain", () => {
  const x0 = toSignal(flower(32)); // 3072 values
  const schedule = imageSchedule(20, 1.5);

  it("draws ε_t in order from the seeded stream, rounded to float32", () => {
    const chain = new ImageChain(x0, schedule, 7);
    const rng = new Rng(7);
    const first = Array.from({ length: 2 * x0.length }, () => Math.fround(rng.normal()));
    expect(Array.from(chain.noise(2))).toEqual(first.slice(x0.length));
    expect(Array.from(chain.noise(1))).toEqual(first.slice(0, x0.length));
    expect(Array.from(new ImageChain(x0, schedule, 8).noise(1))).not.toEqual(first.slice(0, x0.length));
  });

  it("takes the forward step x_t = √(1 − β_t) x_{t−1} + √β_t ε_t", () => {
    const chain = new ImageChain(x0, schedule, 1);
    const x1 = Float64Array.from(chain.forward(1));
    const x2 = Float64Array.from(chain.forward(2));
    const [b1, b2] = schedule.betas;
    const e1 = chain.noise(1);
    const e2 = chain.noise(2);
    for (const j of [0, 1, 1000, 3071]) {
      const expected1 = Math.sqrt(1 - b1) * x0[j] + Math.sqrt(b1) * e1[j];
      expect(x1[j]).toBeCloseTo(expected1, 14);
      expect(x2[j]).toBeCloseTo(Math.sqrt(1 - b2) * expected1 + Math.sqrt(b2) * e2[j], 14);
    }
    // Going back to an earlier t replays from x_0 with the same noise.
    expect(Array.from(chain.forward(1))).toEqual(Array.from(x1));
    expect(Array.from(chain.forward(0))).toEqual(Array.from(x0));
  });

  it("replays the stored noise backwards onto the forward frames and back to x_0", () => {
    const chain = new ImageChain(x0, imageSchedule(30, 2), 3);
    const forward = Array.from({ length: 31 }, (_, t) => Float64Array.from(chain.forward(t)));
    for (let t = 30; t >= 0; t--) expect(rmsDistance(chain.reverse(t), forward[t])).toBeLessThan(1e-9);
    // Moving the reverse cursor up again restarts from x_N.
    expect(rmsDistance(chain.reverse(12), forward[12])).toBeLessThan(1e-9);
  });

  it("gives each pixel mean √ᾱ_t x_0 and variance 1 − ᾱ_t (the chain agrees with q(x_t | x_0) in law)", () => {
    const size = 3 * 64 * 64;
    const chain = new ImageChain(new Float64Array(size).fill(0.5), imageSchedule(30, 1), 11);
    // ᾱ_15 = 0.0790638 and ᾱ_30 = 4.3186e-5 (numpy). Standard errors at n = 12288: mean 0.009, variance 0.013.
    for (const [t, alphaBar] of [[15, 0.07906381245316066], [30, 4.318574906034134e-5]]) {
      const x = chain.forward(t);
      const mean = x.reduce((s, v) => s + v, 0) / size;
      const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / (size - 1);
      expect(Math.abs(mean - 0.5 * Math.sqrt(alphaBar))).toBeLessThan(0.045);
      expect(Math.abs(variance - (1 - alphaBar))).toBeLessThan(0.065);
    }
  });

  it("refuses steps outside 0 … N and an empty image", () => {
    const chain = new ImageChain(x0, schedule, 0);
    expect(() => chain.forward(21)).toThrow(/t must be an integer from 0 to 20, got 21/);
    expect(() => chain.reverse(-1)).toThrow(RangeError);
    expect(() => chain.noise(0)).toThrow(/t must be an integer from 1 to 20, got 0/);
    expect(() => new ImageChain(new Float64Array(0), schedule, 0)).toThrow(RangeError);
    expect(() => rmsDistance([1], [1, 2])).toThrow(RangeError);
  });
});
