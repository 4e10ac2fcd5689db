/**
 * The straightness of sampling trajectories (src/core/straightness.ts): total path length over total
 * end-to-end distance, on hand-made paths and on flows whose paths are known to be straight
 * or bent.
 */
import { describe, expect, it } from "vitest";
import { oracleVelocity } from "../../src/core/flow/oracleVelocity.js";
import { makeDataset } from "../../src/core/datasets.js";
import { sample } from "../../src/core/sample.js";
import { StraightnessMeter, straightness } from "../../src/core/straightness.js";

describe("straightness", () => {
  it("is 1 for points moving on straight lines, however many steps they take", () => {
    const states = [0, 0.25, 0.5, 1].map((s) => Float64Array.of(3 * s, 4 * s, -s, 2));
    expect(straightness(states)).toBeCloseTo(1, 12);
  });

  it("is the total path length over the total end-to-end distance", () => {
    // Point 0 turns a right angle: length 2 over distance √2. Point 1 goes out and half back: 3 over 1.
    const states = [Float64Array.of(0, 0, 0, 0), Float64Array.of(1, 0, 2, 0), Float64Array.of(1, 1, 1, 0)];
    expect(straightness(states)).toBeCloseTo((2 + 3) / (Math.SQRT2 + 1), 12);
  });

  it("counts a point that comes back to where it started as bent, and is NaN when no point moved away", () => {
    // Point 0 goes out 1 and back (length 2, distance 0); point 1 moves straight by 2√2.
    const states = [Float64Array.of(0, 0, 0, 0), Float64Array.of(1, 0, 1, 1), Float64Array.of(0, 0, 2, 2)];
    expect(straightness(states)).toBeCloseTo((2 + 2 * Math.SQRT2) / (2 * Math.SQRT2), 12);
    expect(straightness([Float64Array.of(1, 1), Float64Array.of(2, 2), Float64Array.of(1, 1)])).toBeNaN();
  });

  it("is not decided by a few points that end near where they started", () => {
    // 99 points move straight by 1; one wanders 1 out and back to 10⁻⁶ from its start.
    const start = new Float64Array(200);
    const middle = Float64Array.from(start, (_, i) => (i % 2 === 0 ? 0.5 : 0));
    const end = Float64Array.from(start, (_, i) => (i % 2 === 0 ? 1 : 0));
    middle[198] = 1;
    end[198] = 1e-6;
    expect(straightness([start, middle, end])).toBeCloseTo((99 + 2) / (99 + 1e-6), 6);
  });

  it("measures as the states arrive what the whole trajectory gives", () => {
    const values = [0.3, -1.2, 0.7, 2.5, -0.4, 1.1];
    const states = [0, 1, 2].map((k) => Float64Array.from(values, (v, i) => v * (k + 1) + Math.sin(k * i)));
    const meter = new StraightnessMeter(states[0]);
    expect(meter.value()).toBeNaN();
    meter.add(states[1]);
    meter.add(states[2]);
    expect(meter.value()).toBe(straightness(states));
  });

  it("refuses trajectories that are not 2D points of one size, in one line", () => {
    expect(() => straightness([Float64Array.of(1, 2)])).toThrow(/^a trajectory needs at least 2 states, got 1$/);
    expect(() => new StraightnessMeter(Float64Array.of(1, 2, 3))).toThrow(/^start must hold 2D points \(an even, non-zero length\), got 3 values$/);
    expect(() => straightness([Float64Array.of(1, 2), Float64Array.of(1, 2, 3, 4)])).toThrow(/^state must hold 2 values, got 4$/);
  });

  it("finds the exact flow to one data point straight, and the flow to the spiral bent", async () => {
    const measure = async (data: Float64Array) => {
      const result = await sample({ denoiser: oracleVelocity(data), sampler: "euler", steps: 50, n: 256, seed: 3, trajectory: true });
      // The states visited: x_T first (trajectory.xt holds each step's input), then the samples.
      return straightness([...result.trajectory!.xt, result.samples]);
    };
    // A single point's flow moves every x_1 on the segment to that point.
    expect(await measure(Float64Array.of(0.5, -0.25))).toBeCloseTo(1, 9);
    expect(await measure(makeDataset("spiral", { n: 512 }))).toBeGreaterThan(1.01);
  });
});
