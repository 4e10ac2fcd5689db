/**
 * The Denoising page's models (src/components/denoisingModels.ts): a DDPM model from the Train page runs
 * with its own schedule, widths, parameterization and training set; a flow model is not offered, with
 * the reason; the page's link asks for the session model only where the tab has one, and bounds t and
 * the worked point by the chosen model's T and points.
 */
import { describe, expect, it } from "vitest";
import type { SessionModel } from "../../src/components/sessionModel.js";
import { type DenoisingModel, readDenoisingState, sessionDenoisingModel, sessionRefusal } from "../../src/components/denoisingModels.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { makeDataset } from "../../src/core/datasets.js";
import { modelDims, parseTrainConfig } from "../../src/core/training/config.js";
import { createReferenceDenoiser } from "../../src/engines/reference/referenceDenoiser.js";
import { DEFAULT_SCHEDULE } from "../../src/core/schedule.js";

function session(config: Record<string, unknown>, points?: Float64Array): SessionModel {
  const parsed = parseTrainConfig(config);
  return { config: parsed, step: 200, engine: "fused-wasm", params: initMlpParams(3, modelDims(parsed.model)), points, savedAt: "2026-11-30T00:00:00Z" };
}

const small = { model: { hidden: [8, 8], parameterization: "x0" }, schedule: { T: 50 } };
const points = Float64Array.from([0.5, -0.25, -1, 1.5, 0, 0.2]);
const defaultModel: DenoisingModel = {
  choice: "default",
  data: makeDataset("spiral", { n: 64, seed: 0 }),
  schedule: DEFAULT_SCHEDULE,
  weights: new Float32Array(0),
  parameterization: "eps",
  dims: [2, 2],
};

describe("the Denoising page's models", () => {
  it("runs a DDPM session model with its own schedule, widths, parameterization and points", () => {
    const model = sessionDenoisingModel(session(small, points))!;
    expect(model).toMatchObject({ choice: "session", schedule: { T: 50 }, parameterization: "x0", dims: [34, 8, 8, 2] });
    expect(model.data).toEqual(points);
    // The weights fit the widths: the network the workers open answers for every point.
    const network = createReferenceDenoiser(model.weights, { parameterization: model.parameterization, dims: model.dims });
    const answer = network.predict(Float64Array.from([0.1, 0.2, -0.3, 0.4]), 10) as Float64Array;
    expect(answer.length).toBe(4);
    expect([...answer].every(Number.isFinite)).toBe(true);
  });

  it("draws a session model of a built-in set on that set", () => {
    const model = sessionDenoisingModel(session({ dataset: { name: "moons", n: 100, seed: 4 } }))!;
    expect(model.data).toEqual(makeDataset("moons", { n: 100, seed: 4 }));
  });

  it("does not offer a flow model, and says why", () => {
    const flow = session({ model: { objective: "flow-matching" } });
    expect(sessionDenoisingModel(flow)).toBeNull();
    expect(sessionRefusal(flow)).toMatch(/flow-matching model.*Fields page/);
    expect(sessionRefusal(session(small))).toBeUndefined();
    expect(sessionRefusal(null)).toBeUndefined();
    expect(sessionDenoisingModel(null)).toBeNull();
  });

  it("falls back to the default model, with one line, when the link asks for a session model the tab lacks", () => {
    const state = readDenoisingState("?model=session&t=40", { default: defaultModel, session: null });
    expect(state.values).toMatchObject({ model: "default", t: 40 });
    expect(state.problems).toEqual([
      "URL parameter model=session: is a DDPM model trained on the Train page in this browser tab, and this tab has none; using the default, default.",
    ]);
  });

  it("bounds t and the point by the chosen model's T and points", () => {
    const models = { default: defaultModel, session: sessionDenoisingModel(session(small, points)) };
    const asSession = readDenoisingState("?model=session&t=400&point=10", models);
    expect(asSession.values).toMatchObject({ model: "session", t: 50, point: 2 });
    expect(asSession.problems).toHaveLength(2);
    const asDefault = readDenoisingState("?t=400&point=10", models);
    expect(asDefault).toMatchObject({ values: { model: "default", t: 400, point: 10 }, problems: [] });
  });
});
