import { describe, expect, it } from "vitest";
import { mlpForward, mlpLayout } from "../../src/core/mlp.js";

describe("reference MLP", () => {
  it("computes SiLU layers by hand on a [34, 1, 2] network", () => {
    // z = 2x − 0.5 + 0.75·e_16(t) (= cos(0·t) = 1), h = z σ(z), out = (3h + 0.25, −h).
    const dims = [34, 1, 2];
    const { layers, size } = mlpLayout(dims);
    const params = new Float32Array(size);
    params[layers[0].weight + 0] = 2; // from x
    params[layers[0].weight + 2 + 16] = 0.75; // from cos(t f_0)
    params[layers[0].bias] = -0.5;
    params[layers[1].weight + 0] = 3;
    params[layers[1].weight + 1] = -1;
    params[layers[1].bias] = 0.25;
    const out = mlpForward(params, Float64Array.of(0.4, -7, -1.25, 3), [0, 0], dims);
    for (const [i, x] of [[0, 0.4], [1, -1.25]]) {
      const z = 2 * x - 0.5 + 0.75;
      const h = z / (1 + Math.exp(-z));
      expect(out[2 * i]).toBeCloseTo(3 * h + 0.25, 6); // float32 weights, float64 arithmetic
      expect(out[2 * i + 1]).toBeCloseTo(-h, 6);
    }
  });
});
