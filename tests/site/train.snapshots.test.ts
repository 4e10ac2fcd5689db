/**
 * The Train page's components: the loss curve's SVG against committed snapshots (tests/site/__snapshots__,
 * as Observable Plot's own tests do; UPDATE_SNAPSHOTS=1 accepts a deliberate change), the trace thinning
 * and checkpoint plan by hand-computed values, the settings' refusals, the downloaded run files read back
 * by the CLI's own loader, and the run panel driven by a scripted stand-in for its worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JSDOM } from "jsdom";
import { describe, expect, it, vi } from "vitest";
import { readCheckpoint } from "../../src/io/models.js";
import { readOnnxMetadata } from "../../src/core/onnx/export.js";
import { decodeCheckpoint, parseManifest } from "../../src/core/training/checkpoint.js";
import { modelDims, parseTrainConfig } from "../../src/core/training/config.js";
import { initialParams } from "../../src/core/training/train.js";
import type { SessionModel } from "../../src/components/sessionModel.js";
import { checkControls, DEFAULT_CONTROLS, trainControls } from "../../src/components/trainControls.js";
import { BROWSER_COMMAND, onnxModel, runFiles } from "../../src/components/trainDownloads.js";
import { type LossPoint, thinLoss, trainLossCurve } from "../../src/components/trainLossCurve.js";
import { trainPanel } from "../../src/components/trainPanel.js";
import { trainPreview } from "../../src/components/trainPreview.js";
import { browserCheckpoints, previewEvery, type TrainMessage, type TrainRequest } from "../../src/components/trainProtocol.js";
import { matchSnapshot } from "../support/snapshot.js";

const window = new JSDOM("<!doctype html><body></body>").window;
const document = window.document;
// jsdom has no canvas: the preview's sample layer then draws nothing (instead of logging "not implemented").
window.HTMLCanvasElement.prototype.getContext = () => null;


/** The control values as the form's boxes hold them. */
const texts = (changes: Partial<Record<keyof typeof DEFAULT_CONTROLS, string>> = {}) => ({
  ...Object.fromEntries(Object.entries(DEFAULT_CONTROLS).map(([key, value]) => [key, String(value)])),
  ...changes,
}) as Record<keyof typeof DEFAULT_CONTROLS, string>;

describe("loss curve", () => {
  // A smooth stand-in for a run: 0.2 + 0.8 e^(−step/150), reported every 20 steps.
  const curve = (step: number) => 0.2 + 0.8 * Math.exp(-step / 150);
  const train: LossPoint[] = Array.from({ length: 30 }, (_, i) => ({ step: 20 * (i + 1), loss: curve(20 * (i + 1)) }));
  const heldOut: LossPoint[] = [0, 200, 400, 600].map((step) => ({ step, loss: curve(step) + 0.01 }));

  it("draws the training line and held-out dots on a log scale over the whole run", () => {
    matchSnapshot("train-loss-curve.svg", trainLossCurve({ steps: 1000, train, heldOut, width: 640, document }));
  });
  it("draws an empty frame with a prompt before any loss", () => {
    matchSnapshot("train-loss-curve-empty.svg", trainLossCurve({ steps: 3000, train: [], heldOut: [], document }));
  });
  it("leaves out losses a log scale cannot show instead of drawing NaN", () => {
    const figure = trainLossCurve({ steps: 100, train: [{ step: 10, loss: NaN }, { step: 20, loss: 0.5 }], heldOut: [], document });
    expect(figure.outerHTML).not.toContain("NaN");
  });
  it("refuses a run length that is not a positive integer", () => {
    expect(() => trainLossCurve({ steps: 0, train, heldOut, document })).toThrow(RangeError);
  });
});

describe("preview", () => {
  it("paints samples on the canvas at the figure's own scale positions, clipped to the plot area", () => {
    const arcs: [number, number][] = [];
    const context = {
      scale() {},
      beginPath() {},
      rect() {},
      clip() {},
      moveTo() {},
      fill() {},
      fillStyle: "",
      arc(x: number, y: number) {
        arcs.push([x, y]);
      },
    };
    const original = window.HTMLCanvasElement.prototype.getContext;
    window.HTMLCanvasElement.prototype.getContext = (() => context) as never;
    try {
      const preview = trainPreview(new Float64Array([0, 0, 1, 1]), { size: 320, document });
      expect(preview.querySelector("svg")).not.toBeNull();
      preview.showSamples(new Float64Array([0, 0, 3.5, -3.5, -1.75, 1.75, NaN, 0]));
      // The plot area spans x 40 … 284 and y 284 … 36 px (margins 40 left, 36 elsewhere) for −3.5 … 3.5.
      const px = (x: number) => 40 + ((x + 3.5) / 7) * 244;
      const py = (y: number) => 284 - ((y + 3.5) / 7) * 248;
      expect(arcs).toHaveLength(3);
      [[0, 0], [3.5, -3.5], [-1.75, 1.75]].forEach(([x, y], i) => {
        expect(arcs[i][0]).toBeCloseTo(px(x), 9);
        expect(arcs[i][1]).toBeCloseTo(py(y), 9);
      });
      expect(preview.querySelector("canvas")!.getAttribute("aria-label")).toBe("4 samples of the network");
    } finally {
      window.HTMLCanvasElement.prototype.getContext = original;
    }
  });
});

describe("thinning the loss trace", () => {
  it("merges pairs into step-weighted means of their windows", () => {
    // Windows (0, 2], (2, 3], (3, 7], (7, 8]: merged (0, 3] = (2·1 + 1·2)/3 and (3, 8] = (4·3 + 1·4)/5.
    const points = [{ step: 2, loss: 1 }, { step: 3, loss: 2 }, { step: 7, loss: 3 }, { step: 8, loss: 4 }];
    const thinned = thinLoss(points, 3);
    expect(thinned.map((p) => p.step)).toEqual([3, 8]);
    expect(thinned[0].loss).toBeCloseTo(4 / 3, 15);
    expect(thinned[1].loss).toBeCloseTo(16 / 5, 15);
  });
  it("keeps an odd last point, and leaves short traces alone", () => {
    const points = [1, 2, 3, 4, 5].map((step) => ({ step, loss: step }));
    expect(thinLoss(points, 4)).toEqual([{ step: 2, loss: 1.5 }, { step: 4, loss: 3.5 }, { step: 5, loss: 5 }]);
    expect(thinLoss(points, 5)).toEqual(points);
  });
  it("keeps the mean over the whole run", () => {
    // 600 reports of uneven length: the step-weighted mean is the same before and after.
    const points = Array.from({ length: 600 }, (_, i) => ({ step: 3 * (i + 1) + (i % 2), loss: 1 / (1 + i) }));
    const weighted = (list: LossPoint[]) =>
      list.reduce((sum, p, i) => sum + (p.step - (i === 0 ? 0 : list[i - 1].step)) * p.loss, 0) / list.at(-1)!.step;
    expect(weighted(thinLoss(points, 100))).toBeCloseTo(weighted(points), 12);
  });
});

describe("checkpoint plan", () => {
  it("checkpoints about every twentieth of the run, in whole hundreds", () => {
    expect(previewEvery(300)).toBe(100);
    expect(previewEvery(3000)).toBe(200); // 3000 / 20 = 150 → 2 hundreds
    expect(previewEvery(10_000)).toBe(500);
    expect(browserCheckpoints(300)).toEqual([0, 100, 200, 300]);
    expect(browserCheckpoints(150)).toEqual([0, 100, 150]);
    expect(browserCheckpoints(1)).toEqual([0, 1]);
    expect(browserCheckpoints(3000)).toHaveLength(16);
    expect(() => previewEvery(0)).toThrow(RangeError);
  });
});

describe("settings", () => {
  it("start from the CLI's default config, on the engine auto chose (the fused kernel where nothing was probed)", () => {
    const value = checkControls(texts());
    expect(value.ok).toBe(true);
    if (!value.ok) return;
    const config = parseTrainConfig(value.input);
    expect(config).toEqual(parseTrainConfig({ backend: "fused-wasm" }));
    expect(checkControls(texts(), "tfjs-webgpu")).toMatchObject({ input: { backend: "tfjs-webgpu" } });
    expect(config.training.steps).toBe(10_000);
    expect(config.schedule).toEqual({ kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
  });
  it("refuse values out of range, naming the setting and the range", () => {
    expect(checkControls(texts({ steps: "0" }))).toEqual({
      ok: false,
      field: "steps",
      message: "Training steps must be an integer from 1 to 100000, got 0",
    });
    expect(checkControls(texts({ batch: "2.5" }))).toMatchObject({ ok: false, field: "batch" });
    // Plain decimals only, as on the command line: Number("0x10") would be 16.
    expect(checkControls(texts({ batch: "0x10" }))).toMatchObject({ ok: false, field: "batch", message: expect.stringContaining('got "0x10"') });
    expect(checkControls(texts({ batch: "5000" }))).toMatchObject({ ok: false, field: "batch" });
    expect(checkControls(texts({ lr: "0" }))).toMatchObject({ ok: false, field: "lr", message: expect.stringContaining("in (0, 1]") });
    expect(checkControls(texts({ T: "" }))).toMatchObject({ ok: false, field: "T", message: expect.stringContaining("got nothing") });
  });
  it("refuse β end ≤ β start with the config's own message, but ignore β for the cosine schedule", () => {
    expect(checkControls(texts({ betaStart: "0.02", betaEnd: "0.01" }))).toEqual({
      ok: false,
      field: "betaEnd",
      message: "β end: must be greater than betaStart (0.02), got 0.01",
    });
    const cosine = checkControls(texts({ kind: "cosine", betaStart: "0.02", betaEnd: "oops" }));
    expect(cosine.ok).toBe(true);
  });
  it("mark the refused box and show the reason in the form", () => {
    const form = trainControls({ document });
    const steps = form.querySelector<HTMLInputElement>("input[name=steps]")!;
    expect(form.querySelector(`label[for="${steps.id}"]`)?.textContent).toBe("Training steps");
    steps.value = "-5";
    steps.dispatchEvent(new window.Event("input", { bubbles: true }));
    expect(form.value.ok).toBe(false);
    expect(steps.getAttribute("aria-invalid")).toBe("true");
    expect(form.querySelector(".train-controls-message")?.textContent).toBe(
      "Not started: Training steps must be an integer from 1 to 100000, got -5.",
    );
    steps.value = "400";
    steps.dispatchEvent(new window.Event("input", { bubbles: true }));
    expect(form.value.ok).toBe(true);
    expect(steps.getAttribute("aria-invalid")).toBe("false");
  });
});

const config = parseTrainConfig({ training: { steps: 300, batch: 64, checkpoints: browserCheckpoints(300) }, backend: "fused-wasm" });
const params = initialParams(config);

describe("downloads", () => {
  const run = {
    config,
    engine: "fused-wasm-simd-fma",
    versions: { engine: "fused-wasm-simd-fma", browser: "test" },
    created: new Date("2025-01-02T03:04:05Z"),
    status: "completed" as const,
    step: 300,
    params,
    loss: 0.25,
    lossByTimestep: [{ from: 0, to: 1000, loss: 0.25 }],
    lossHistory: { steps: [100, 200, 300], loss: [0.5, 0.3, 0.25] },
  };

  it("write a manifest that lists exactly the weight file beside it, with its size and SHA-256", async () => {
    const files = await runFiles(run);
    expect(files.manifestName).toBe("manifest.json");
    expect(files.weightsName).toBe("step-000300.f32");
    const manifest = parseManifest(JSON.parse(files.manifestText));
    expect(manifest.status).toBe("completed");
    expect(manifest.command).toBe(BROWSER_COMMAND);
    expect(manifest.checkpoints.map((c) => c.step)).toEqual([300]);
    // 34·128 + 128 + 2·(128·128 + 128) + 128·2 + 2 weights and biases, 4 bytes each.
    expect(files.weights.length).toBe(4 * (34 * 128 + 128 + 2 * (128 * 128 + 128) + 128 * 2 + 2));
    expect(Array.from(await decodeCheckpoint(manifest, 300, files.weights))).toEqual(Array.from(params));
  });

  it("are read by the CLI's loader from a folder holding both files", async () => {
    const files = await runFiles(run);
    const dir = mkdtempSync(join(tmpdir(), "chisel-train-download-"));
    try {
      writeFileSync(join(dir, files.manifestName), files.manifestText);
      writeFileSync(join(dir, files.weightsName), files.weights);
      for (const path of [dir, join(dir, files.weightsName)]) {
        const model = await readCheckpoint(path);
        expect(model.step).toBe(300);
        expect(model.dims).toEqual(modelDims(config.model));
        expect(Array.from(model.params)).toEqual(Array.from(params));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("export an ONNX model that carries the run's schedule", async () => {
    const metadata = readOnnxMetadata(await onnxModel(run));
    expect(metadata.schedule).toEqual(config.schedule);
    expect(metadata.parameterization).toBe("eps");
    expect(metadata.dims).toEqual([34, 128, 128, 128, 2]);
  });
});

/** A stand-in for the training worker: records requests, and the test speaks for it. */
class ScriptedWorker {
  onmessage: ((event: MessageEvent<TrainMessage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  requests: TrainRequest[] = [];
  terminated = false;
  postMessage(request: TrainRequest) {
    this.requests.push(request);
  }
  terminate() {
    this.terminated = true;
  }
  say(message: TrainMessage) {
    this.onmessage?.({ data: message } as MessageEvent<TrainMessage>);
  }
}

describe("run panel", () => {
  it("starts a worker, shows its reports, keeps the network and offers downloads", async () => {
    const controls = trainControls({ document, value: { steps: 300, batch: 64, backend: "fused-wasm" } });
    const workers: ScriptedWorker[] = [];
    const saved: Omit<SessionModel, "savedAt">[] = [];
    const panel = trainPanel({
      controls,
      createWorker: () => {
        workers.push(new ScriptedWorker());
        return workers.at(-1) as unknown as Worker;
      },
      saveModel: (model) => saved.push(model) > 0,
      document,
    });
    document.body.append(controls, panel);
    const text = (selector: string) => panel.querySelector(selector)!.textContent;
    const buttonNamed = (name: string) =>
      [...panel.querySelectorAll("button")].find((b) => b.textContent === name) as HTMLButtonElement;
    expect(panel.dataset.phase).toBe("idle");
    expect(buttonNamed("Pause").disabled).toBe(true);

    buttonNamed("Train").focus();
    buttonNamed("Train").click();
    // The click loads the config's parser first.
    await vi.waitFor(() => expect(workers).toHaveLength(1));
    const worker = workers[0];
    expect(worker.requests).toEqual([{ type: "start", config: (controls.value.ok && controls.value.input) || null }]);
    expect(panel.dataset.phase).toBe("starting");
    // Train is disabled now: focus goes to a button that applies, not to the page's body.
    const focused = document.activeElement as HTMLButtonElement;
    expect(focused.tagName === "BUTTON" && panel.contains(focused) && !focused.disabled).toBe(true);
    expect(controls.querySelector("fieldset")!.disabled).toBe(true);

    worker.say({
      type: "started",
      config,
      engine: "fused-wasm-simd-fma",
      detail: "WebAssembly SIMD kernel, one thread",
      versions: { engine: "fused-wasm-simd-fma" },
      startSeconds: 0.25,
      swdFloor: 0.042,
    });
    expect(text(".train-engine")).toBe("fused-wasm-simd-fma: WebAssembly SIMD kernel, one thread");
    worker.say({ type: "progress", step: 150, steps: 300, loss: 0.31, stepsPerSecond: 200, seconds: 0.75 });
    // Readouts follow at most four times a second.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(text(".train-step")).toBe("150 of 300");
    expect(text(".train-loss")).toBe("0.31");
    expect(text(".train-speed")).toBe("200 steps/s");
    // (300 − 150) / 200 = 0.75 s left.
    expect(text(".train-time")).toBe("0.75 s of training, about 0.75 s left");
    expect((panel.querySelector("progress") as HTMLProgressElement).value).toBe(150);

    buttonNamed("Pause").click();
    expect(worker.requests.at(-1)).toEqual({ type: "pause" });
    worker.say({ type: "paused" });
    expect(buttonNamed("Resume").getAttribute("aria-pressed")).toBe("true");
    buttonNamed("Resume").click();
    expect(worker.requests.at(-1)).toEqual({ type: "resume" });
    worker.say({ type: "resumed" });

    const preview = new Float64Array(512).map((_, i) => Math.sin(i));
    for (const [step, loss] of [[0, 0.97], [300, 0.25]] as const) {
      worker.say({
        type: "checkpoint",
        step,
        params,
        loss,
        lossByTimestep: [{ from: 0, to: 1000, loss }],
        lossHistory: { steps: [300], loss: [0.3] },
        preview,
        swd: 0.05,
      });
    }
    expect([...panel.querySelectorAll(".train-checkpoints tbody tr")].map((row) => row.textContent)).toEqual([
      "00.970.05",
      "3000.250.05",
    ]);
    expect(panel.querySelector(".train-preview svg")).not.toBeNull();
    expect(panel.querySelector(".train-preview canvas")!.getAttribute("aria-label")).toBe("256 samples of the network");
    worker.say({ type: "done", status: "completed", step: 300, lossHistory: { steps: [300], loss: [0.3] }, trainingSeconds: 1.5 });
    expect(panel.dataset.phase).toBe("finished");
    expect(worker.terminated).toBe(true);
    expect(text(".train-status")).toBe("Completed 300 steps on fused-wasm-simd-fma in 1.5 s of training (200 steps/s on average).");
    expect(controls.querySelector("fieldset")!.disabled).toBe(false);
    expect(buttonNamed("step-000300.f32").disabled).toBe(false);

    // The save runs in a task of its own; the untrained network (step 0) is never saved.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(saved.map((model) => [model.step, model.engine])).toEqual([[300, "fused-wasm-simd-fma"]]);
    expect(saved[0].params).toBe(params);
    panel.dispose();
    panel.remove();
    controls.remove();
  });

  it("shows a failure as an alert and lets a new run start", async () => {
    const controls = trainControls({ document });
    let worker: ScriptedWorker | undefined;
    const panel = trainPanel({ controls, createWorker: () => (worker = new ScriptedWorker()) as unknown as Worker, document });
    (panel.querySelector("button") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(worker).toBeDefined());
    worker!.say({ type: "failed", message: "backend webgpu cannot start in this runtime", diverged: false });
    const status = panel.querySelector(".train-status")!;
    expect(status.getAttribute("role")).toBe("alert");
    expect(status.textContent).toBe("Training failed: backend webgpu cannot start in this runtime.");
    expect((panel.querySelector("button") as HTMLButtonElement).disabled).toBe(false);
    panel.dispose();
  });
});
