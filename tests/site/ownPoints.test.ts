/**
 * The Train page with the reader's own points and flow matching: a drawn set's config has the config
 * hash the CLI computes for the same CSV (`chisel train --data`), its report config rebuilds from the
 * CSV put where the page says, the controls leave DDPM's schedule out of a flow-matching config, the
 * points source refuses a bad file in one line and keeps its points, a damaged link falls back to the
 * built-in set, and the run panel sends the points to the worker and keeps them with the model.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JSDOM } from "jsdom";
import { afterAll, describe, expect, it, vi } from "vitest";
import { trainReportConfig } from "../../src/components/reportConfigButton.js";
import type { SessionModel } from "../../src/components/sessionModel.js";
import { checkControls, configInput, DEFAULT_CONTROLS, readTrainUrlState, trainControls } from "../../src/components/trainControls.js";
import { trainPanel } from "../../src/components/trainPanel.js";
import type { TrainMessage, TrainRequest } from "../../src/components/trainProtocol.js";
import { pointsSet } from "../../src/core/pointsSet.js";
import { encodePointsParam } from "../../src/core/pointsUrl.js";
import { Rng } from "../../src/core/random.js";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { configHash, parseTrainConfig } from "../../src/core/training/config.js";
import { initialParams } from "../../src/core/training/train.js";
import { pinReportDatasets, readDatasetFile } from "../../src/io/datasetFile.js";
import { chisel } from "../support/cli.js";

const window = new JSDOM("<!doctype html><body></body>").window;
const document = window.document;
window.HTMLCanvasElement.prototype.getContext = () => null;

const scratch = mkdtempSync(join(tmpdir(), "chisel-own-points-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Three sprayed blobs on the grid, in thousandths. */
const drawn = Int16Array.from({ length: 240 }, (_, i) => (i % 2 ? -400 + 300 * (i % 3) : 700 * ((i >> 1) % 3) - 700) + ((i * 37) % 61) - 30);

describe("a drawn set's config", () => {
  it("has the config hash the CLI computes for the same CSV, on flow matching", async () => {
    const set = await pointsSet("drawn", drawn);
    const file = join(scratch, "drawn.csv");
    writeFileSync(file, set.csv);
    const read = await readDatasetFile(file);
    expect(read.sha256).toBe(set.sha256);
    expect(Array.from(read.points)).toEqual(Array.from(set.points));

    const values = { ...DEFAULT_CONTROLS, objective: "flow-matching" as const, steps: 20, batch: 32, backend: "fused-wasm" as const };
    const input = configInput(values, "fused-wasm", set);
    expect(input.dataset).toEqual({ file: "drawn.csv", sha256: set.sha256 });
    const page = await configHash(parseTrainConfig(input));
    const result = chisel(
      "train", "--data", file, "--objective", "flow-matching", "--steps", "20", "--batch", "32", "--backend", "fused-wasm",
      "--out", join(scratch, "run"), "--quiet",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).configHash).toBe(page);
  }, 120_000);

  it("saves a report config that reads the CSV from data/datasets, named and pinned by its SHA-256", async () => {
    const set = await pointsSet("drawn", drawn);
    const report = parseReportConfig(trainReportConfig(configInput({ ...DEFAULT_CONTROLS, objective: "flow-matching" }, "fused-wasm", set)));
    const path = `data/datasets/drawn-${set.sha256.slice(0, 8)}.csv`;
    expect(report.train.dataset).toMatchObject({ file: path, sha256: set.sha256 });
    expect(report.name).toContain(`drawn-${set.sha256.slice(0, 8)}`);
    expect(report.samplers.map((s) => s.sampler)).toEqual(["euler", "heun"]);
    const project = join(scratch, "project");
    mkdirSync(join(project, "data/datasets"), { recursive: true });
    writeFileSync(join(project, path), set.csv);
    const pinned = await pinReportDatasets(report, project);
    expect(pinned.train.dataset.sha256).toBe(set.sha256);
    // Another drawing with the same settings goes to a file and a config of its own.
    const other = await pointsSet("drawn", drawn.map((v) => -v));
    const otherReport = parseReportConfig(trainReportConfig(configInput({ ...DEFAULT_CONTROLS, objective: "flow-matching" }, "fused-wasm", other)));
    expect(otherReport.train.dataset.file).not.toBe(path);
    expect(otherReport.name).not.toBe(report.name);
    writeFileSync(join(project, path), set.csv.replace("\n", "\n0.5,0.5\n"));
    await expect(pinReportDatasets(report, project)).rejects.toThrow(/the file changed since/);
  });
});

describe("the controls", () => {
  const texts = (changes: Record<string, string> = {}) =>
    ({ ...Object.fromEntries(Object.entries(DEFAULT_CONTROLS).map(([key, value]) => [key, String(value)])), ...changes }) as never;

  it("read a flow-matching link without notices about the schedule it does not have", () => {
    const flow = readTrainUrlState("?objective=flow-matching&T=0&kind=cosine&steps=0");
    expect(flow.values.objective).toBe("flow-matching");
    expect(flow.problems).toHaveLength(1);
    expect(flow.problems[0]).toMatch(/^URL parameter steps=0: /);
    const ddpm = readTrainUrlState("?T=0");
    expect(ddpm.problems).toHaveLength(1);
    expect(ddpm.problems[0]).toMatch(/^URL parameter T=0: /);
  });

  it("leave the schedule out of a flow-matching config, and do not check it", () => {
    const value = checkControls(texts({ objective: "flow-matching", T: "0", betaEnd: "oops" }));
    expect(value.ok).toBe(true);
    if (!value.ok) return;
    expect(value.input.schedule).toBeUndefined();
    expect(parseTrainConfig(value.input).model.objective).toBe("flow-matching");
    const form = trainControls({ document, value: { objective: "flow-matching" } });
    expect(form.querySelector<HTMLInputElement>("input[name=T]")!.disabled).toBe(true);
    expect(form.querySelector<HTMLElement>(".train-controls-flow")!.hidden).toBe(false);
  });

  it("refuse own points that are not ready, naming why", () => {
    expect(checkControls(texts(), "fused-wasm", { problem: "no points yet: draw on the plane or upload a file" })).toEqual({
      ok: false,
      field: "points",
      message: "your points: no points yet: draw on the plane or upload a file",
    });
  });
});

describe("the points source", () => {
  // Deno's File: jsdom's has no text().
  const choose = (file: File, input: HTMLInputElement) => {
    Object.defineProperty(input, "files", { value: [file], configurable: true });
    input.dispatchEvent(new window.Event("change"));
  };

  it("reads an upload, and refuses a bad one in one line leaving the points as they were", async () => {
    const form = trainControls({ document });
    const own = form.source.querySelector<HTMLInputElement>("input[value=own]")!;
    own.checked = true;
    own.dispatchEvent(new window.Event("input", { bubbles: true }));
    const upload = form.source.querySelector<HTMLInputElement>("input[type=file]")!;
    choose(new File(["x,y\n10,20\n30,60\n50,20\n"], "tri.csv"), upload);
    await vi.waitFor(() => expect(form.value.ok).toBe(true));
    const first = form.value.ok && form.value.points!;
    expect(first && first.points.length).toBe(6);
    expect(form.value.ok && form.value.input.dataset).toEqual({ file: "tri.csv", sha256: first && first.sha256 });
    const note = form.source.querySelector(".points-source-note")!;
    expect(note.textContent).toMatch(/^tri\.csv: 3 CSV points .*centred on \(30, 33\.3\) and scaled by 0\.0563, then rounded to 0\.001\. Draw/);
    // The file's map is stated once; the rounded set's own (about the identity) is not.
    const about = form.source.querySelector(".points-source-about")!;
    expect(about.textContent).toBe("3 points, 3 of them distinct (a repeat weighs as often as it occurs): the rounded points are what trains.");

    choose(new File(["x,y\n1,2\nthree,4\n"], "bad.csv"), upload);
    await vi.waitFor(() => expect(form.source.querySelector(".points-source-problem")!.textContent).not.toBe(""));
    expect(form.source.querySelector(".points-source-problem")!.textContent).toMatch(
      /^bad\.csv: line 3, .*A points file holds 1 to 100,000 points.*; the points are unchanged\.$/,
    );
    expect(form.value.ok && form.value.points).toBe(first);
    expect(form.settings.points).toBe(first && first.param);

    // 5,000 scattered points pack past the link's limit: the page says so, and the link leaves them out.
    const rng = new Rng(9);
    const rows = Array.from({ length: 5000 }, () => `${rng.uniform()},${rng.uniform()}`);
    choose(new File([rows.join("\n")], "many.csv"), upload);
    await vi.waitFor(() => expect(form.value.ok && form.value.points?.name).toBe("many"));
    expect(form.value.ok && form.value.points!.param).toBeUndefined();
    expect(form.settings.points).toBe("");
    expect(form.source.textContent).toMatch(/Too many points for a link \([\d,]+ characters, past the 8,000 it carries\)/);
    const csvButton = [...form.source.querySelectorAll("button")].find((button) => button.textContent === "Download the points (CSV)");
    expect(csvButton?.disabled).toBe(false);

    // Undo brings back the earlier upload's points with its name, and the later upload's note goes.
    [...form.source.querySelectorAll("button")].find((button) => button.textContent === "Undo")!.click();
    await vi.waitFor(() => expect(form.value.ok && form.value.points?.name).toBe("tri"));
    expect(form.value.ok && form.value.points!.sha256).toBe(first && first.sha256);
    expect(note.textContent).toBe("");
    expect(about.textContent).toMatch(/^3 points, 3 of them distinct .*\. Training sees them as the built-in sets are: centred on/);
  });

  it("says when rounding an upload to the grid merges points", async () => {
    const form = trainControls({ document });
    const upload = form.source.querySelector<HTMLInputElement>("input[type=file]")!;
    choose(new File(["x,y\n0,0\n0.00001,0\n1,1\n"], "close.csv"), upload);
    await vi.waitFor(() => expect(form.source.querySelector(".points-source-note")!.textContent).not.toBe(""));
    expect(form.source.querySelector(".points-source-note")!.textContent).toContain(
      "Rounding merged 1 of its 3 distinct points into others (2 distinct remain).",
    );
  });

  it("restores a link's points, and falls back to the built-in set when the parameter is damaged", async () => {
    const param = await encodePointsParam(drawn);
    const shared = trainControls({ document, value: { points: param } });
    // Reading the link's points takes a moment; meanwhile they are what the page waits for.
    expect(shared.value).toMatchObject({ ok: false, field: "points" });
    await vi.waitFor(() => expect(shared.value.ok).toBe(true));
    expect(shared.settings.points).toBe(param);
    expect(shared.value.ok && shared.value.input.dataset?.file).toBe("shared.csv");

    const damaged = trainControls({ document, value: { points: param.slice(0, 20) } });
    await vi.waitFor(() => expect(damaged.source.querySelector<HTMLElement>(".points-source-notice")!.hidden).toBe(false));
    expect(damaged.source.querySelector(".points-source-notice")!.textContent).toMatch(
      /^This link's points could not be read \(the points parameter is damaged: .*\): the built-in set is shown instead\.$/,
    );
    expect(damaged.value.ok && damaged.value.input.dataset).toEqual({ name: "spiral" });
  });
});

describe("the run panel with own points", () => {
  it("sends the normalised points to the worker and keeps them with the model", async () => {
    const controls = trainControls({ document, value: { points: await encodePointsParam(drawn), steps: 100, backend: "fused-wasm" } });
    await vi.waitFor(() => expect(controls.value.ok).toBe(true));
    const set = controls.value.ok ? controls.value.points! : undefined;
    expect(set?.points.length).toBe(drawn.length);
    const requests: TrainRequest[] = [];
    let onmessage: ((event: MessageEvent<TrainMessage>) => void) | null = null;
    const worker = {
      postMessage: (request: TrainRequest) => requests.push(request),
      terminate() {},
      set onmessage(handler: typeof onmessage) {
        onmessage = handler;
      },
      onerror: null,
    };
    // The tab's storage is full: the model is offered to the save, which keeps nothing.
    const saved: Omit<SessionModel, "savedAt">[] = [];
    const panel = trainPanel({ controls, createWorker: () => worker as unknown as Worker, saveModel: (model) => saved.push(model) < 0, document });
    expect(panel.querySelector(".train-preview figcaption")!.textContent).toMatch(/^Your 120 points as training sees them/);
    panel.querySelector<HTMLButtonElement>("button")!.click();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toMatchObject({ type: "start", points: set!.points });
    const config = parseTrainConfig({ ...(requests[0] as { config: object }).config, training: { steps: 100, checkpoints: [0, 100] } });
    const say = (message: TrainMessage) => onmessage!({ data: message } as MessageEvent<TrainMessage>);
    say({ type: "started", config, engine: "fused-wasm", detail: "kernel", versions: {}, startSeconds: 0.1, swdFloor: 0.05 });
    expect(panel.querySelector(".train-floor")!.textContent).toMatch(/^For scale: half of your points, split at random, lie .* split-half floor/);
    const params = initialParams(config);
    say({ type: "checkpoint", step: 100, params, loss: 0.5, lossByTimestep: [], lossHistory: { steps: [100], loss: [0.5] }, preview: new Float64Array(512), swd: 0.1 });
    say({ type: "done", status: "completed", step: 100, lossHistory: { steps: [100], loss: [0.5] }, trainingSeconds: 1 });
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].points).toBe(set!.points);
    expect(saved[0].config.dataset.sha256).toBe(set!.sha256);
    expect(panel.querySelector(".train-session-note")!.textContent).toMatch(/could not be kept.*No network from an earlier run is offered/);
    panel.dispose();
  });
});
