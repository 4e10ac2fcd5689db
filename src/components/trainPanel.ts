/**
 * The Train page's run panel: Train / Pause / Stop, a progress bar, live readouts (engine, step, loss,
 * steps per second, time left, main-thread long tasks), the live loss curve, a preview sample at each
 * checkpoint, a table of checkpoints, and downloads of the trained network.
 *
 * Training runs in a worker (trainWorker.ts, made by `createWorker`), one worker per run; this panel
 * only draws what the worker reports, so the page's main thread stays free. Every checkpoint and the
 * end of the run are also handed to `saveModel`, so the sampling page can use the network.
 */
import { makeDataset } from "../core/datasets.js";
import type { RunStatus } from "../core/training/checkpoint.js";
import type { TrainConfig } from "../core/training/config.js";
import type { LossHistory } from "../core/training/train.js";
import { DATASET_LABELS } from "./datasetLabels.js";
import { formatSig } from "./format.js";
import type { SessionModel } from "./sessionModel.js";
import type { TrainControls } from "./trainControls.js";
import { type BrowserRun, onnxModel, runFiles, saveFile } from "./trainDownloads.js";
import { LOSS_COLORS, LOSS_CURVE_HEIGHT, type LossPoint, thinLoss, trainLossCurve } from "./trainLossCurve.js";
import { type TrainPreview, trainPreview } from "./trainPreview.js";
import {
  type CheckpointMessage,
  PREVIEW_POINTS,
  type ProgressMessage,
  PREVIEW_SAMPLER_STEPS,
  type StartedMessage,
  type TrainMessage,
  type TrainRequest,
} from "./trainProtocol.js";

export interface TrainPanelOptions {
  controls: TrainControls;
  /** A fresh training worker (the page makes it, so that Framework resolves the worker module). */
  createWorker: () => Worker;
  /** Keeps the latest network for other pages. */
  saveModel?: (model: Omit<SessionModel, "savedAt">) => void;
  document?: Document;
}

export type TrainPanel = HTMLElement & { dispose(): void };

/** The loss curve keeps at most this many training-loss points (older ones merge in pairs). */
const MAX_TRACE = 800;
/** The curve is redrawn at most this often while training. */
const REDRAW_MS = 500;
/** The readouts and progress bar change at most this often (the worker reports about every 100 ms). */
const READOUT_MS = 250;
/**
 * During a run the network is handed to saveModel at most this often: a save can take tens of ms of the
 * main thread. It is also saved at the end of the run and when the reader leaves the page.
 */
const SAVE_EVERY_MS = 30_000;
/** Data points drawn faintly behind each preview. */
const BACKGROUND_POINTS = 1000;
const PREVIEW_SIZE = 320;

type Phase = "idle" | "starting" | "running" | "paused" | "finished";

const seconds = (s: number) => (s < 60 ? `${formatSig(s, 2)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

export function trainPanel(options: TrainPanelOptions): TrainPanel {
  const { controls, createWorker, saveModel, document = globalThis.document } = options;
  const element = (tag: string, className?: string, text?: string) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const button = (text: string) => {
    const node = element("button", undefined, text) as HTMLButtonElement;
    node.type = "button";
    return node;
  };

  const root = element("div", "train-panel") as TrainPanel;
  const trainButton = button("Train");
  const pauseButton = button("Pause");
  const stopButton = button("Stop");
  const buttons = element("div", "train-buttons");
  buttons.append(trainButton, pauseButton, stopButton);
  const status = element("p", "train-status");
  status.setAttribute("role", "status");
  const progress = element("progress", "train-progress") as HTMLProgressElement;
  progress.setAttribute("aria-label", "Training progress");
  const progressText = element("span", "train-progress-text");

  const readout = element("dl", "train-readout");
  const field = (key: string, label: string) => {
    const dd = element("dd", `train-${key}`, "—");
    readout.append(element("dt", undefined, label), dd);
    return dd;
  };
  const engineOut = field("engine", "Engine");
  const stepOut = field("step", "Step");
  const lossOut = field("loss", "Training loss");
  const heldOutOut = field("held-out", "Held-out loss");
  const speedOut = field("speed", "Speed");
  const timeOut = field("time", "Time");
  const mainThreadOut = field("main-thread", "Main thread");

  // Fixed-size, contained boxes: redrawing the curve or a preview lays out only what is inside them.
  const lossHolder = element("div");
  lossHolder.style.cssText = `height: ${LOSS_CURVE_HEIGHT}px; contain: strict;`;
  const legend = element("p", "train-legend");
  legend.style.cssText = "margin: 0 0 0.3rem; font-size: 0.85em; display: flex; gap: 1.2rem; align-items: center;";
  const swatch = (css: string, label: string) => {
    const item = element("span");
    const mark = element("span");
    mark.setAttribute("aria-hidden", "true");
    mark.style.cssText = `display: inline-block; margin-right: 0.4em; vertical-align: middle; ${css}`;
    item.append(mark, label);
    return item;
  };
  legend.append(
    swatch(`width: 1.2em; border-top: 2px solid ${LOSS_COLORS.train};`, "training loss (batches)"),
    swatch(`width: 0.55em; height: 0.55em; border-radius: 50%; background: ${LOSS_COLORS.heldOut};`, "held-out loss (checkpoints)"),
  );
  const lossFigure = element("figure", "train-loss-curve");
  lossFigure.style.margin = "0";
  lossFigure.append(legend, lossHolder);
  const previewFigure = element("figure", "train-preview");
  const previewHolder = element("div");
  const previewCaption = element("figcaption");
  previewFigure.append(previewHolder, previewCaption);
  const plots = element("div", "train-plots");
  plots.append(lossFigure, previewFigure);

  const table = element("table", "train-checkpoints");
  table.innerHTML = "<caption>Checkpoints</caption><thead><tr><th scope=col>Step</th><th scope=col>Held-out loss</th>" +
    "<th scope=col>Sliced Wasserstein to the data</th></tr></thead>";
  const tableBody = element("tbody");
  table.append(tableBody);
  const floorNote = element("p", "train-floor");

  const downloads = element("div", "train-downloads");
  const manifestButton = button("manifest.json");
  const weightsButton = button("weights (.f32)");
  const onnxButton = button("ONNX model");
  const downloadNote = element("p", "train-download-note");
  downloads.append(element("span", undefined, "Download:"), manifestButton, weightsButton, onnxButton);
  const sessionNote = element("p", "train-session-note");

  // A long run has twenty-odd checkpoints: the table scrolls within its own box (focusable, for the keyboard).
  const tableBox = element("div", "train-checkpoints-box");
  tableBox.style.cssText = "max-height: 16rem; overflow-y: auto; margin-top: 1rem;";
  tableBox.tabIndex = 0;
  tableBox.setAttribute("role", "region");
  tableBox.setAttribute("aria-label", "Checkpoints");
  tableBox.append(table);
  root.append(buttons, status, progress, progressText, readout, plots, tableBox, floorNote, downloads, downloadNote, sessionNote);

  // ---- state of the current run
  let phase: Phase = "idle";
  let worker: Worker | undefined;
  let config: TrainConfig | undefined;
  let started: StartedMessage | undefined;
  let created = new Date();
  let trace: LossPoint[] = [];
  let heldOut: LossPoint[] = [];
  let latest: CheckpointMessage | undefined;
  let finalHistory: LossHistory | undefined;
  let runStatus: RunStatus = "running";
  let redraw: ReturnType<typeof setTimeout> | undefined;
  let lastProgress: ProgressMessage | undefined;
  let readoutTimer: ReturnType<typeof setTimeout> | undefined;
  let preview: TrainPreview | undefined;
  let previewKey = "";
  let savedAt = -Infinity;
  let savedStep = -1;
  let longTasks = { count: 0, longest: 0 };
  const observer = typeof PerformanceObserver !== "undefined" &&
      PerformanceObserver.supportedEntryTypes?.includes("longtask")
    ? new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        longTasks.count++;
        longTasks.longest = Math.max(longTasks.longest, entry.duration);
      }
      showMainThread();
    })
    : undefined;

  function showMainThread() {
    if (!observer) mainThreadOut.textContent = "not measurable in this browser";
    else if (phase === "idle") mainThreadOut.textContent = "measured while training";
    else {
      mainThreadOut.textContent = longTasks.count === 0
        ? "no task over 50 ms"
        : `${longTasks.count} task${longTasks.count === 1 ? "" : "s"} over 50 ms, the longest ${Math.round(longTasks.longest)} ms`;
    }
  }

  const steps = () => config?.training.steps ?? (controls.value.ok ? controls.value.config.training.steps : 1);

  // The curve's width comes from a ResizeObserver (below): reading clientWidth here would force a layout.
  let curveWidth = 640;
  function drawCurve() {
    redraw = undefined;
    lossHolder.replaceChildren(trainLossCurve({ steps: steps(), train: trace, heldOut, width: curveWidth, document }));
  }
  function scheduleCurve() {
    redraw ??= setTimeout(drawCurve, REDRAW_MS);
  }

  /** The data behind the preview, drawn again only when the dataset changes; the samples layer is cleared. */
  function showData(c: TrainConfig) {
    const { name, n, seed, noise } = c.dataset;
    const key = JSON.stringify(c.dataset);
    if (key !== previewKey) {
      const count = Math.min(n, BACKGROUND_POINTS);
      preview = trainPreview(makeDataset(name, { n, seed, noise }).subarray(0, 2 * count), { size: PREVIEW_SIZE, document });
      previewHolder.replaceChildren(preview);
      previewKey = key;
    }
    preview!.showSamples();
    const { n: total } = c.dataset;
    previewCaption.textContent = `The ${DATASET_LABELS[name]} data (${Math.min(total, BACKGROUND_POINTS)} of its ` +
      `${total} points). Once training starts, the network's samples are drawn over it at every checkpoint.`;
  }

  function drawPreview(message: CheckpointMessage) {
    const c = config!;
    preview!.showSamples(message.preview);
    const samplerSteps = Math.min(PREVIEW_SAMPLER_STEPS, c.schedule.T);
    previewCaption.textContent = `Step ${message.step}: ${PREVIEW_POINTS} samples of the network (DDIM, ${samplerSteps} ` +
      `steps, the same starting noise at every checkpoint) over the data in grey. Sliced Wasserstein distance to ` +
      `the data: ${formatSig(message.swd)}.`;
  }

  function addCheckpointRow(message: CheckpointMessage) {
    const row = element("tr");
    row.append(
      element("td", undefined, String(message.step)),
      element("td", undefined, formatSig(message.loss)),
      element("td", undefined, formatSig(message.swd)),
    );
    tableBody.append(row);
  }

  function currentRun(): BrowserRun | undefined {
    if (!latest || !started || !config) return undefined;
    return {
      config,
      engine: started.engine,
      versions: started.versions,
      created,
      status: runStatus,
      step: latest.step,
      params: latest.params,
      loss: latest.loss,
      lossByTimestep: latest.lossByTimestep,
      lossHistory: finalHistory ?? latest.lossHistory,
    };
  }

  /** Hands the latest network to saveModel in a task of its own, at most every SAVE_EVERY_MS until the run ends. */
  function scheduleSave(final: boolean) {
    if (!saveModel || !latest || latest.step === 0) return;
    if (!final && performance.now() - savedAt < SAVE_EVERY_MS) return;
    savedAt = performance.now();
    setTimeout(saveSession, 0);
  }

  function saveSession() {
    const run = currentRun();
    // The untrained network (step 0) is not worth keeping.
    if (!run || !saveModel || run.step === 0 || run.step === savedStep) return;
    savedStep = run.step;
    try {
      saveModel({ config: run.config, step: run.step, engine: run.engine, params: run.params });
      sessionNote.textContent = `The network at step ${run.step} is kept for this tab: the sampling page can sample it.`;
    } catch (error) {
      sessionNote.textContent = `The network could not be kept for the sampling page: ${(error as Error).message}`;
    }
  }

  function showButtons() {
    const busy = phase === "starting" || phase === "running" || phase === "paused";
    trainButton.disabled = busy || !controls.value.ok;
    pauseButton.disabled = phase !== "running" && phase !== "paused";
    pauseButton.textContent = phase === "paused" ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", String(phase === "paused"));
    stopButton.disabled = !busy;
    const run = currentRun();
    for (const download of [manifestButton, weightsButton, onnxButton]) download.disabled = !run;
    weightsButton.textContent = run ? `step-${String(run.step).padStart(6, "0")}.f32` : "weights (.f32)";
    root.dataset.phase = phase;
  }

  function setPhase(next: Phase) {
    phase = next;
    controls.setDisabled(phase !== "idle" && phase !== "finished");
    showButtons();
    showMainThread();
  }

  function finish(text: string, alert = false) {
    worker?.terminate();
    worker = undefined;
    observer?.disconnect();
    if (redraw !== undefined) clearTimeout(redraw);
    if (readoutTimer !== undefined) clearTimeout(readoutTimer);
    showProgress();
    drawCurve();
    status.textContent = text;
    status.setAttribute("role", alert ? "alert" : "status");
    setPhase("finished");
    scheduleSave(true);
  }

  function showProgress() {
    readoutTimer = undefined;
    if (!lastProgress) return;
    const { step, steps: total, loss, stepsPerSecond } = lastProgress;
    progress.max = total;
    progress.value = step;
    progressText.textContent = `step ${step} of ${total}`;
    stepOut.textContent = `${step} of ${total}`;
    lossOut.textContent = formatSig(loss);
    speedOut.textContent = `${formatSig(stepsPerSecond)} steps/s`;
    const left = stepsPerSecond > 0 ? (total - step) / stepsPerSecond : NaN;
    timeOut.textContent = `${seconds(lastProgress.seconds)} of training` +
      (step < total && Number.isFinite(left) ? `, about ${seconds(left)} left` : "");
  }

  function handle(message: TrainMessage) {
    switch (message.type) {
      case "started": {
        started = message;
        config = message.config;
        engineOut.textContent = `${message.engine}: ${message.detail}`;
        status.textContent = `Training on ${message.engine} (${message.detail}), ready after ${seconds(message.startSeconds)}.`;
        floorNote.textContent = `For scale: a fresh draw of ${PREVIEW_POINTS} data points lies ${formatSig(message.swdFloor)} ` +
          "from the training set in sliced Wasserstein distance; a perfect network's samples would score about that.";
        setPhase("running");
        break;
      }
      case "progress": {
        trace = thinLoss([...trace, { step: message.step, loss: message.loss }], MAX_TRACE);
        lastProgress = message;
        readoutTimer ??= setTimeout(showProgress, READOUT_MS);
        scheduleCurve();
        break;
      }
      case "checkpoint": {
        latest = message;
        heldOut = [...heldOut, { step: message.step, loss: message.loss }];
        heldOutOut.textContent = `${formatSig(message.loss)} at step ${message.step}`;
        addCheckpointRow(message);
        drawPreview(message);
        scheduleCurve();
        scheduleSave(false);
        showButtons();
        break;
      }
      case "paused":
      case "resumed": {
        setPhase(message.type === "paused" ? "paused" : "running");
        status.textContent = message.type === "paused"
          ? `Paused at step ${lastProgress?.step ?? 0}: Resume to go on, or Stop to end the run here.`
          : `Training on ${started?.engine}.`;
        break;
      }
      case "done": {
        runStatus = message.status;
        finalHistory = message.lossHistory;
        const rate = message.step / Math.max(message.trainingSeconds, 1e-9);
        finish(
          message.status === "completed"
            ? `Completed ${message.step} steps on ${started?.engine} in ${seconds(message.trainingSeconds)} of training ` +
              `(${formatSig(rate)} steps/s on average).`
            : `Stopped at step ${message.step} of ${steps()}; the network at that step is kept.`,
        );
        break;
      }
      case "failed": {
        runStatus = message.diverged ? "diverged" : "failed";
        finish(
          message.diverged
            ? `Training diverged: ${message.message}. Try a smaller learning rate.`
            : `Training failed: ${message.message}.`,
          true,
        );
        break;
      }
    }
  }

  function start() {
    const value = controls.value;
    if (!value.ok || phase === "starting" || phase === "running" || phase === "paused") return;
    config = value.config;
    started = undefined;
    latest = undefined;
    finalHistory = undefined;
    runStatus = "running";
    savedAt = -Infinity;
    savedStep = -1;
    created = new Date();
    trace = [];
    heldOut = [];
    lastProgress = undefined;
    longTasks = { count: 0, longest: 0 };
    tableBody.replaceChildren();
    floorNote.textContent = "";
    for (const out of [engineOut, stepOut, lossOut, heldOutOut, speedOut, timeOut]) out.textContent = "—";
    progress.max = value.config.training.steps;
    progress.value = 0;
    progressText.textContent = `step 0 of ${value.config.training.steps}`;
    drawCurve();
    showData(value.config);
    observer?.observe({ type: "longtask" });
    worker = createWorker();
    worker.onmessage = (event: MessageEvent<TrainMessage>) => handle(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      finish(`The training worker failed: ${event.message || "it could not be loaded"}.`, true);
    };
    worker.postMessage({ type: "start", config: value.input } satisfies TrainRequest);
    status.textContent = `Starting: loading the ${value.input.backend} engine…`;
    setPhase("starting");
  }

  trainButton.addEventListener("click", start);
  pauseButton.addEventListener("click", () => {
    worker?.postMessage({ type: phase === "paused" ? "resume" : "pause" } satisfies TrainRequest);
  });
  stopButton.addEventListener("click", () => {
    if (phase === "starting") return finish("Cancelled before training began.");
    worker?.postMessage({ type: "stop" } satisfies TrainRequest);
    status.textContent = "Stopping after the step in flight…";
  });

  const download = (action: (run: BrowserRun) => Promise<void>) => async () => {
    const run = currentRun();
    if (!run) return;
    try {
      await action(run);
      downloadNote.textContent = "";
    } catch (error) {
      downloadNote.textContent = `The download failed: ${(error as Error).message}`;
    }
  };
  manifestButton.addEventListener("click", download(async (run) => {
    const files = await runFiles(run);
    saveFile(files.manifestName, files.manifestText, "application/json", document);
  }));
  weightsButton.addEventListener("click", download(async (run) => {
    const files = await runFiles(run);
    saveFile(files.weightsName, files.weights, "application/octet-stream", document);
  }));
  onnxButton.addEventListener("click", download(async (run) => {
    saveFile(`chisel-${run.config.dataset.name}-step-${run.step}.onnx`, await onnxModel(run), "application/octet-stream", document);
  }));

  // While no run is on screen, the panel follows the settings (the controls re-dispatch each change on
  // their form), redrawing only what a change affects.
  let shown = { dataset: "", steps: 0 };
  const onControls = (event: Event) => {
    if (event.target !== controls) return;
    const value = controls.value;
    if (phase === "idle" && value.ok) {
      const { dataset, training } = value.config;
      if (dataset.name !== shown.dataset) showData(value.config);
      if (training.steps !== shown.steps) drawCurve();
      shown = { dataset: dataset.name, steps: training.steps };
    }
    showButtons();
  };
  controls.addEventListener("input", onControls);

  // Redraw the curve at the width the page gives it.
  const resizer = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(([entry]) => {
    const width = Math.round(entry.contentRect.width);
    if (width > 0 && width !== curveWidth) {
      curveWidth = width;
      scheduleCurve();
    }
  });
  resizer?.observe(lossHolder);

  // Pages are separate documents: going to the sampling page mid-run ends this one, so save first.
  const view = document.defaultView;
  const onPageHide = () => saveSession();
  view?.addEventListener("pagehide", onPageHide);

  root.dispose = () => {
    controls.removeEventListener("input", onControls);
    view?.removeEventListener("pagehide", onPageHide);
    resizer?.disconnect();
    worker?.terminate();
    worker = undefined;
    observer?.disconnect();
    if (redraw !== undefined) clearTimeout(redraw);
    if (readoutTimer !== undefined) clearTimeout(readoutTimer);
  };

  status.textContent = "Press Train to start a run with the settings above.";
  // A progress bar without a value is indeterminate (animated): show an empty one.
  progress.value = 0;
  if (controls.value.ok) showData(controls.value.config);
  drawCurve();
  if (controls.value.ok) shown = { dataset: controls.value.config.dataset.name, steps: controls.value.config.training.steps };
  setPhase("idle");
  return root;
}
