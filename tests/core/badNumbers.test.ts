/**
 * Numbers that would turn into NaN, Infinity or a JSON null are refused where they enter: points past
 * MAX_COORDINATE, weights that are not finite (checkpoints are in checkpoint.test.ts), and any output
 * document holding a non-finite number.
 */
import { describe, expect, it } from "vitest";
import { MAX_COORDINATE, parsePoints } from "../../src/core/points.js";
import { initMlpParams, mlpLayout, MLP_DIMS } from "../../src/core/mlp.js";
import { exportOnnx, readOnnxMetadata } from "../../src/core/onnx/export.js";
import { DIVERGENCE_FACTOR, DIVERGENCE_STEPS, DIVERGENCE_WINDOW, DivergenceWatch } from "../../src/core/training/divergence.js";
import { firstNonFinite } from "../../src/core/validation.js";

const schedule = { kind: "linear" as const, T: 1000, betaStart: 1e-4, betaEnd: 0.02 };

function rangeError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).not.toContain("\n");
    return (error as Error).message;
  }
  throw new Error("did not throw");
}

describe("firstNonFinite", () => {
  it("finds the first NaN or infinite number and its JSON path, in the order JSON.stringify writes", () => {
    expect(firstNonFinite({ n: 3, floor: { method: "split-half", swd: NaN, mmd: Infinity } })).toEqual({ path: "floor.swd", value: NaN });
    expect(firstNonFinite({ samples: [[0, 1], [2, -Infinity]] })).toEqual({ path: "samples[1][1]", value: -Infinity });
    expect(firstNonFinite({ rows: [{ metrics: { swd: { mean: 0.1, std: NaN } } }] })).toEqual({ path: "rows[0].metrics.swd.std", value: NaN });
    expect(firstNonFinite({ points: new Float32Array([1, NaN]) })).toEqual({ path: "points[1]", value: NaN });
    expect(firstNonFinite(NaN)).toEqual({ path: "", value: NaN });
  });

  it("passes finite numbers, and the nulls, strings and booleans a command writes on purpose", () => {
    expect(firstNonFinite({ a: [0, -1e308, 5e-324], b: null, c: "NaN", d: true, e: undefined, f: [] })).toBeUndefined();
    expect(firstNonFinite(null)).toBeUndefined();
  });
});

describe("parsePoints: coordinates past ±MAX_COORDINATE", () => {
  it("refuses ±1e308 (whose distances overflow the metrics) naming the row and the bound", () => {
    expect(MAX_COORDINATE).toBe(1e150);
    expect(rangeError(() => parsePoints("x,y\n0,0\n1e308,-1e308", "csv")))
      .toBe('points: line 3, column 1 is "1e308", need a number within ±1e150');
    expect(rangeError(() => parsePoints("[[0, 0], [1, -1e308]]", "json")))
      .toBe("points: points[1][1] is -1e+308, need a number within ±1e150");
  });

  it("accepts the bound itself", () => {
    expect(parsePoints("1e150,-2988568.74629", "csv")).toEqual(new Float64Array([1e150, -2988568.74629]));
    expect(parsePoints("[[-1e150, 1e6]]", "json")).toEqual(new Float64Array([-1e150, 1e6]));
  });
});

describe("ONNX weights that are not finite", () => {
  const { layers } = mlpLayout(MLP_DIMS);

  it("are refused on export, naming the parameter", () => {
    const params = initMlpParams(0);
    params[layers[1].bias + 3] = NaN;
    expect(rangeError(() => exportOnnx({ params, parameterization: "eps", schedule })))
      .toBe(`params: weights contain NaN at parameter index ${layers[1].bias + 3}; the run diverged`);
  });

  it.each([NaN, Infinity])("are refused on reading a model holding %s, naming the tensor and index", (bad) => {
    // A value no other weight has, replaced by `bad` in the serialized model, as a damaged or diverged file would hold it.
    const params = initMlpParams(0);
    const marker = new Float32Array([1234.5678]);
    params[layers[0].weight + 37] = marker[0];
    const bytes = exportOnnx({ params, parameterization: "eps", schedule });
    const markerBytes = new Uint8Array(marker.buffer);
    const at = Buffer.from(bytes).indexOf(Buffer.from(markerBytes));
    expect(at).toBeGreaterThan(0);
    bytes.set(new Uint8Array(new Float32Array([bad]).buffer), at);
    expect(rangeError(() => readOnnxMetadata(bytes))).toBe(`the model's weights contain ${bad} at W1[37]; the run diverged`);
  });
});

describe("DivergenceWatch", () => {
  it(`flags ${DIVERGENCE_STEPS} of the last ${DIVERGENCE_WINDOW} losses above ${DIVERGENCE_FACTOR} × the zero output's, not fewer`, () => {
    const watch = new DivergenceWatch(0.5);
    expect(watch.limit).toBe(5);
    // 49 high losses in a window of 100: not yet; they age out as low ones come in.
    for (let i = 0; i < 49; i++) expect(watch.add(6)).toBe(false);
    for (let i = 0; i < 100; i++) expect(watch.add(5)).toBe(false); // at the limit is not above it
    for (let i = 0; i < 49; i++) expect(watch.add(1e9)).toBe(false);
    expect(watch.add(6)).toBe(true);
    expect(watch.reason()).toBe("the loss exceeded 10 × that of a zero output (0.500) on 50 of the last 100 steps");
  });
});
