/** Positions along a curve, against the Archimedean spiral's closed-form arc length. */
import { describe, expect, it } from "vitest";
import { curvePositions, nearestIndices } from "../../src/core/curvePosition.js";
import { makeDataset } from "../../src/core/datasets.js";
import { Rng } from "../../src/core/random.js";

describe("positions along a curve", () => {
  // r = aθ, arc length from 0: s(θ) = (a/2)(θ√(1 + θ²) + asinh θ).
  const M = 4 * Math.PI;
  const a = 1.5 / M;
  const arc = (theta: number) => (a / 2) * (theta * Math.sqrt(1 + theta * theta) + Math.asinh(theta));
  const rng = new Rng(3);
  const thetas = Array.from({ length: 1500 }, () => M * Math.sqrt(rng.uniform()));
  const spiral = Float64Array.from(thetas.flatMap((t) => [a * t * Math.cos(t), a * t * Math.sin(t)]));

  it("follows the Archimedean spiral's arc length from the centre to the tip", () => {
    const positions = curvePositions(spiral);
    const lo = Math.min(...thetas);
    const hi = Math.max(...thetas);
    let worst = 0;
    thetas.forEach((theta, i) => {
      worst = Math.max(worst, Math.abs(positions[i] - (arc(theta) - arc(lo)) / (arc(hi) - arc(lo))));
    });
    expect(worst).toBeLessThan(0.005);
  });

  it("separates the turns of the noisy training spiral", () => {
    const data = makeDataset("spiral", { n: 2048, seed: 0 });
    const positions = curvePositions(data);
    expect(Math.min(...positions)).toBe(0);
    expect(Math.max(...positions)).toBe(1);
    // Points at the same polar angle on the inner and outer turns get different positions.
    const inner = positions.filter((_, i) => Math.hypot(data[2 * i], data[2 * i + 1]) < 0.4);
    const outer = positions.filter((_, i) => Math.hypot(data[2 * i], data[2 * i + 1]) > 1.3);
    expect(Math.max(...inner)).toBeLessThan(Math.min(...outer));
  });

  it("refuses data that falls apart, and bad k", () => {
    const two = Float64Array.from([0, 0, 0.1, 0, 0.2, 0, 9, 9, 9.1, 9, 9.2, 9]);
    expect(() => curvePositions(two, 2)).toThrow(/falls apart/);
    expect(() => curvePositions(two, 6)).toThrow(/k must be an integer from 1 to 5/);
  });

  it("finds each point's nearest data point", () => {
    const data = Float64Array.from([0, 0, 1, 0, 0, 1]);
    expect(Array.from(nearestIndices(Float64Array.from([0.9, 0.2, -1, -1, 0.1, 0.8]), data))).toEqual([1, 0, 2]);
  });
});
