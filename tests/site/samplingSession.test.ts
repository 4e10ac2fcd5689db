/**
 * The Sampling page with the model trained in the tab, of either objective and on the reader's own
 * points: the samplers offered per objective and a link's sampler checked against the model; a flow
 * model opened as the page's worker opens it (the fused kernel, asked at τ = 1000·t) and sampled with
 * Euler and Heun through the panel work and the runs, as sample() samples it; own points drawn behind,
 * scored against, with a split-half floor and no colour by end; and the report config of such a model.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { type Metrics } from "../../src/core/metrics.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { sample } from "../../src/core/sample.js";
import { splitHalfFloor } from "../../src/core/splitHalf.js";
import { modelDims, parseTrainConfig } from "../../src/core/training/config.js";
import { runProgress } from "../../src/components/runProgress.js";
import { FLOW_MAX_STEPS, modelSpec, openModel } from "../../src/components/samplingModels.js";
import { type BuildView, samplingRuns, type SamplingView } from "../../src/components/samplingPanels.js";
import { samplerChoices, samplingReportConfig, samplingUrlState } from "../../src/components/samplingState.js";
import { FLOOR_DRAWS, panelWork, trainingFloor } from "../../src/components/samplingWork.js";
import type { SessionModel } from "../../src/components/sessionModel.js";

const document = new JSDOM("").window.document;
const files = { wasmPaths: { wasm: "unused: the fused kernel runs these tests" } };

const hidden = [16, 16];
const flowConfig = parseTrainConfig({ model: { objective: "flow-matching", hidden } });
const points = makeDataset("moons", { n: 40, seed: 2 });
const ownConfig = parseTrainConfig({ model: { objective: "flow-matching", hidden }, dataset: { file: "mine.csv", sha256: "a".repeat(64) } });
const session = (config = flowConfig, own?: Float64Array): SessionModel => ({
  config,
  step: 300,
  engine: "test",
  params: initMlpParams(5, modelDims(config.model)),
  ...(own && { points: own }),
  savedAt: "2026-01-01T00:00:00.000Z",
});
const defaultModel = {
  bytes: () => Promise.reject(new Error("the default model is not opened here")),
  schedule: { kind: "linear" as const, T: 20, betaStart: 1e-3, betaEnd: 0.2 },
  dataset: { name: "spiral" as const, n: 64, seed: 1 },
};
const defaults = { sampler: "ddpm" as const, variance: "betaTilde" as const, eta: 0, steps: [10, 50, 1000], seed: 0, n: 512 };
const buildFloor: Metrics = { swd: 0.1, mmd: 0.01, precision: 0.9, coverage: 0.5 };
const build: BuildView = { settings: { ...defaults, steps: [1, 2, 3], n: 16 }, dataset: defaultModel.dataset, floor: buildFloor, panels: [] };

async function flowRuns(model: SessionModel) {
  const spec = await modelSpec("session", { defaultModel, session: model });
  const work = panelWork({ open: () => openModel(spec, files), sliceMs: 0 });
  const progress = runProgress({ document });
  const runs = samplingRuns({ backend: work, build, progress });
  const views = async (change: Record<string, unknown>) => {
    const shown: SamplingView[] = [];
    const settings = { model: "session" as const, ...defaults, sampler: "euler" as const, steps: [1, 4, 2000], n: 16, ...change };
    await runs.run(settings, (view) => shown.push(view), new AbortController().signal);
    return shown;
  };
  return { spec, work, progress, views };
}

describe("the samplers of each objective", () => {
  it("offers DDPM's three for DDPM models and Euler and Heun for flow matching", () => {
    expect(samplerChoices("ddpm")).toEqual({ samplers: ["ddpm", "ddim", "dpm-solver++"], default: "ddpm" });
    expect(samplerChoices("flow-matching")).toEqual({ samplers: ["euler", "heun"], default: "euler" });
  });

  it("takes a link's sampler when it fits the model, and says so and falls back when it does not", () => {
    const options = { defaults, maxT: FLOW_MAX_STEPS, hasSession: true, sessionObjective: "flow-matching" as const };
    expect(samplingUrlState(options, "?model=session&sampler=heun&steps=1,5,1000")).toMatchObject({
      values: { model: "session", sampler: "heun", steps: [1, 5, 1000] },
      problems: [],
    });
    expect(samplingUrlState(options, "?model=session&sampler=ddim")).toMatchObject({
      values: { model: "session", sampler: "euler" },
      problems: [
        "URL parameter sampler=ddim: cannot run the model from the Train page, a flow-matching model, which takes euler, heun; using euler.",
      ],
    });
    expect(samplingUrlState(options, "?sampler=heun").problems).toEqual([
      "URL parameter sampler=heun: cannot run the default model, a ddpm model, which takes ddpm, ddim, dpm-solver++; using ddpm.",
    ]);
    // No session in this tab: the model falls back first, then the flow sampler with it.
    const none = samplingUrlState({ defaults, maxT: 1000, hasSession: false }, "?model=session&sampler=euler");
    expect(none.values).toMatchObject({ model: "default", sampler: "ddpm" });
    expect(none.problems).toHaveLength(2);
    expect(samplingUrlState(options, "?sampler=nope").problems).toEqual([
      "URL parameter sampler=nope: must be one of ddpm, ddim, dpm-solver++, euler, heun; using the default, ddpm.",
    ]);
  });
});

describe("a flow-matching model from the Train page", () => {
  it("opens on the fused kernel as a flow network, asked at τ = 1000·t", async () => {
    const model = session();
    const spec = await modelSpec("session", { defaultModel, session: model });
    expect(spec).toMatchObject({ choice: "session", params: model.params, data: { dataset: { name: "spiral" } } });
    const open = await openModel(spec, files);
    expect(open).toMatchObject({ objective: "flow-matching", maxSteps: FLOW_MAX_STEPS, schedule: undefined });
    expect(open.denoiser.objective).toBe("flow-matching");
    expect(open.engine).toMatch(/^fused WebAssembly SIMD kernel.*, [12] threads? \(/);
    expect(() => open.denoiser.predict(new Float64Array(2), 1001)).toThrow(/t must be a number in \[0, 1000\]/);
  });

  it("samples every panel with Euler and Heun as sample() does, from one x_T", async () => {
    const { spec, views, progress } = await flowRuns(session());
    const { denoiser } = await openModel(spec, files);
    for (const sampler of ["euler", "heun"] as const) {
      const done = (await views({ sampler })).at(-1)!;
      expect(done.status).toBe("done");
      // A flow model takes up to FLOW_MAX_STEPS steps: 2000 is clamped, and said to be.
      expect(done.panels.map((p) => p.steps)).toEqual([1, 4, FLOW_MAX_STEPS]);
      expect(progress.element.textContent).toMatch(/Step counts above this flow model's limit, 1000 were clamped to 1000\.$/);
      for (const panel of done.panels) {
        const direct = await sample({ denoiser, sampler, steps: panel.steps, n: 16, seed: 0 });
        expect(panel.samples).toEqual(direct.samples);
      }
      expect(done.byEnd).toBe(true);
      expect(done.panels.every((p) => p.end?.length === 16)).toBe(true);
    }
  }, 60_000);

  it("refuses a DDPM sampler in one line", async () => {
    const { views, progress } = await flowRuns(session());
    const shown = await views({ sampler: "ddim" });
    expect(shown.map((view) => view.status)).toEqual(["failed"]);
    expect(progress.element.textContent).toBe("Sampling failed: sampler ddim cannot run a flow-matching model: use one of euler, heun");
  });
});

describe("a model trained on the reader's own points", () => {
  it("draws and scores against those points, with a split-half floor and no colour by end", async () => {
    const { spec, work, views } = await flowRuns(session(ownConfig, points));
    expect(spec).toMatchObject({ data: { points } });
    const facts = await work.describe("session");
    expect(facts).toMatchObject({ ownData: true, byEnd: false, data: points });
    const done = (await views({ steps: [1, 2, 3] })).at(-1)!;
    expect(done).toMatchObject({ status: "done", ownData: true, byEnd: false, data: points });
    expect(done.panels.map((p) => p.end)).toEqual([undefined, undefined, undefined]);
    // The floor: one half of the points against the other, averaged over FLOOR_DRAWS splits.
    const splits = Array.from({ length: FLOOR_DRAWS }, (_, i) => splitHalfFloor(points, 16, i + 1));
    expect(done.floor.swd).toBeCloseTo(splits.reduce((sum, m) => sum + m.swd, 0) / FLOOR_DRAWS, 12);
    expect(done.floor).toEqual(trainingFloor({ trainedOn: { points }, data: points }, 16));
    expect(done.floor).not.toBe(buildFloor);
  }, 60_000);

  it("saves a report config that names the points file, and says where the CLI expects it", () => {
    const settings = { model: "session" as const, ...defaults, sampler: "heun" as const, steps: [5, 50, 4000], seed: 2, n: 256 };
    const source = samplingReportConfig(settings, { train: ownConfig, T: FLOW_MAX_STEPS });
    if (!("config" in source)) throw new Error(source.reason);
    const config = parseReportConfig(source.config);
    expect(config).toMatchObject({ samplers: [{ sampler: "heun" }], steps: [5, 50, 1000], seeds: [2], n: 256 });
    expect(config.runs[0].train.dataset).toMatchObject({ file: "data/datasets/mine.csv", sha256: "a".repeat(64) });
    expect(config.description).toMatch(/from data\/datasets\/mine\.csv in the project, .*put it there first/);
  });
});
