/**
 * The pages' report configs (src/components/reportConfigButton.ts, samplingState.ts): what the Train and
 * Sampling pages offer parses with the CLI's parseReportConfig and says what the page shows; what cannot
 * make a report (the oracle, DDPM with σ² = β, a config the CLI refuses) disables the button with the
 * reason.
 */
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { reportConfigButton, trainReportConfig } from "../../src/components/reportConfigButton.js";
import { samplingReportConfig, samplesCsv } from "../../src/components/samplingState.js";
import { configInput, DEFAULT_CONTROLS } from "../../src/components/trainControls.js";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { parseTrainConfig } from "../../src/core/training/config.js";

const defaultConfig = JSON.parse(readFileSync(new URL("../../data/configs/default.json", import.meta.url), "utf8"));

describe("the Train page's report config", () => {
  it("parses, with the page's settings as its training config", () => {
    const input = configInput({ ...DEFAULT_CONTROLS, dataset: "moons", steps: 3000, seed: 5 });
    const config = parseReportConfig(trainReportConfig(input));
    expect(config.name).toBe("train-moons-linear-t1000-3000-steps-seed-5");
    expect(config.runs[0].train).toEqual(parseTrainConfig(input));
    expect(config.steps).toEqual([10, 50, 1000]);
  });

  it("samples a flow-matching run with Euler and Heun, at every report step count", () => {
    const config = parseReportConfig(trainReportConfig(configInput({ ...DEFAULT_CONTROLS, objective: "flow-matching", T: 10 })));
    expect(config.name).toBe("train-spiral-flow-matching-10000-steps-seed-0");
    expect(config.samplers.map((s) => s.sampler)).toEqual(["euler", "heun"]);
    expect(config.steps).toEqual([10, 50, 1000]);
    expect(config.runs[0].train.model.objective).toBe("flow-matching");
  });

  it("samples only step counts its schedule has", () => {
    const at = (T: number) => parseReportConfig(trainReportConfig(configInput({ ...DEFAULT_CONTROLS, T }))).steps;
    expect(at(50)).toEqual([10, 50]);
    expect(at(30)).toEqual([10]);
    expect(at(4)).toEqual([4]);
  });
});

describe("the Sampling page's report config", () => {
  const settings = { model: "default" as const, sampler: "ddim" as const, variance: "betaTilde" as const, eta: 0.5, steps: [5, 50, 50], seed: 7, n: 64 };

  it("is the default run's config, the page's sampler, distinct step counts, its seed and n", () => {
    const source = samplingReportConfig(settings, { train: defaultConfig, T: 1000 });
    expect("config" in source).toBe(true);
    const config = parseReportConfig((source as { config: unknown }).config);
    expect(config.runs[0].train).toEqual(parseTrainConfig(defaultConfig));
    expect(config).toMatchObject({ samplers: [{ sampler: "ddim", eta: 0.5 }], steps: [5, 50], seeds: [7], n: 64 });
    expect(config.title).toBe("From the Sampling page: DDIM η = 0.5 at 5, 50 steps, seed 7, 64 points");
  });

  it("clamps step counts to a shorter model's T, as the page does", () => {
    const source = samplingReportConfig({ ...settings, model: "session", steps: [10, 50, 1000] }, { train: { schedule: { T: 50 } }, T: 50 });
    expect(parseReportConfig((source as { config: unknown }).config).steps).toEqual([10, 50]);
  });

  it("has none for the oracle or for DDPM with σ² = β", () => {
    expect(samplingReportConfig({ ...settings, model: "oracle" }, { T: 1000 })).toEqual({
      reason: "The exact oracle is no trained model, and a report config needs one: choose a trained model to save its config.",
    });
    expect(samplingReportConfig({ ...settings, sampler: "ddpm", variance: "beta" }, { train: defaultConfig, T: 1000 })).toEqual({
      reason: "Reports sample DDPM with the posterior variance β̃ only: choose β̃ to save a config.",
    });
  });

  it("writes samples as x,y rows that read back exactly", () => {
    const points = Float64Array.from([0.1, -2.5e-7, 1 / 3, 42]);
    const text = samplesCsv(points);
    expect(text).toBe("x,y\n0.1,-2.5e-7\n0.3333333333333333,42\n");
    expect(text.trim().split("\n").slice(1).flatMap((row) => row.split(",").map(Number))).toEqual(Array.from(points));
  });
});

describe("reportConfigButton", () => {
  const document = new JSDOM("").window.document;

  it("offers a config the CLI accepts, naming the command", () => {
    const button = reportConfigButton({ document });
    button.update({ config: trainReportConfig(configInput(DEFAULT_CONTROLS)) });
    expect(button.querySelector("button")!.disabled).toBe(false);
    expect(button.querySelector(".report-config-note")!.textContent).toBe(
      "Saves train-spiral-linear-t1000-10000-steps-seed-0.json: npm run chisel -- report --config train-spiral-linear-t1000-10000-steps-seed-0.json builds its report.",
    );
  });

  it("with a points file, says where the CSV goes", () => {
    const button = reportConfigButton({ document });
    const config = trainReportConfig({ dataset: { file: "drawn.csv", sha256: "0".repeat(64) } });
    button.update({ config, pointsFile: { path: config.train!.dataset!.file!, csv: "x,y\n0,1\n1,0\n" } });
    expect(button.querySelector("button")!.disabled).toBe(false);
    expect(button.querySelector(".report-config-note")!.textContent).toBe(
      "Saves train-drawn-00000000-linear-t1000-10000-steps-seed-0.json and drawn-00000000.csv: put the CSV in the chisel " +
        "project as data/datasets/drawn-00000000.csv, then npm run chisel -- report --config " +
        "train-drawn-00000000-linear-t1000-10000-steps-seed-0.json " +
        "builds its report from the same points (the config pins their SHA-256).",
    );
  });

  it("is disabled with the reason, or with the CLI's own refusal", () => {
    const button = reportConfigButton({ document });
    button.update({ reason: "No model." });
    expect(button.querySelector("button")!.disabled).toBe(true);
    expect(button.querySelector(".report-config-note")!.textContent).toBe("No model.");
    button.update({ config: { ...trainReportConfig(configInput(DEFAULT_CONTROLS)), n: 3 } });
    expect(button.querySelector("button")!.disabled).toBe(true);
    expect(button.querySelector(".report-config-note")!.textContent).toBe("The CLI would refuse this config: n: must be an integer from 10 to 20000, got 3.");
  });
});
