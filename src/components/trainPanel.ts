/**
 * The Train page's run panel: Train / Pause / Stop, a progress bar, live readouts (engine, step, loss,
 * steps per second, time left, main-thread long tasks), the live loss curve, a preview sample at each
 * checkpoint, a table of checkpoints, and downloads of the trained network.
 *
 * Training runs in a worker (trainWorker.ts, made by `createWorker`), one worker per run. The run itself
 * is a session (trainSession.ts): this panel forwards the buttons and the worker's messages to it, does
 * what each transition asks (start, tell or end the worker, keep the network via `saveModel`, see
 * autosave.ts) and draws the session, the curve and readouts at most a few times a second, so the
 * page's main thread stays free.
 *
 * The config's zod schema and the run downloads load when first needed (Train pressed, a download
 * clicked), not with the page's first view.
 */
import { makeDataset } from "../core/datasets.js";
import { type DatasetName, SETTINGS } from "../core/settings.js";
import type { TrainConfig, TrainConfigInput } from "../core/training/config.js";
import { autosave } from "./autosave.js";
import { DATASET_LABELS } from "./datasetLabels.js";
import { formatSig } from "./format.js";
import { longTaskMeter } from "./longTaskMeter.js";
import { saveFile } from "./saveFile.js";
import type { SessionModel } from "./sessionModel.js";
import { baseName } from "./slug.js";
import { throttledTask } from "./throttledTask.js";
import type { TrainControls } from "./trainControls.js";
import type { BrowserRun } from "./trainDownloads.js";
import { trainLossCurve } from "./trainLossCurve.js";
import { trainPanelLayout } from "./trainPanelLayout.js";
import { type TrainPreview, trainPreview } from "./trainPreview.js";
import { type CheckpointMessage, PREVIEW_POINTS, PREVIEW_SAMPLER_STEPS, type TrainMessage } from "./trainProtocol.js";
import {
  INITIAL_SESSION,
  progressView,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  sessionRun,
  sessionView,
  transition,
} from "./trainSession.js";

export interface TrainPanelOptions {
  controls: TrainControls;
  /** A fresh training worker (the page makes it, so that Framework resolves the worker module). */
  createWorker: () => Worker;
  /** Keeps the latest network for other pages; false when it could not, having dropped any kept before (sessionModel.ts). */
  saveModel?: (model: Omit<SessionModel, "savedAt">) => boolean;
  document?: Document;
}

export type TrainPanel = HTMLElement & { dispose(): void };

/** The curve is redrawn at most this often while training. */
const REDRAW_MS = 500;
/** The readouts and progress bar change at most this often (the worker reports about every 100 ms). */
const READOUT_MS = 250;
/** During a run the network is handed to saveModel at most this often (see autosave.ts). */
const SAVE_EVERY_MS = 30_000;
/** Data points drawn faintly behind each preview. */
const BACKGROUND_POINTS = 1000;
const PREVIEW_SIZE = 320;
/** A built-in set's points when its config leaves n out (core/settings.ts). */
const DEFAULT_N = SETTINGS.datasetN.default;

export function trainPanel(options: TrainPanelOptions): TrainPanel {
  const { controls, createWorker, saveModel, document = globalThis.document } = options;
  const layout = trainPanelLayout(document);
  const root = layout.root as TrainPanel;
  const { trainButton, pauseButton, stopButton, status, progress, progressText, floorNote, sessionNote } = layout;
  const { engineOut, stepOut, lossOut, heldOutOut, speedOut, timeOut, mainThreadOut } = layout;
  const { lossHolder, previewHolder, previewCaption, tableBody } = layout;
  const { manifestButton, weightsButton, onnxButton, downloadNote } = layout;

  let session: SessionState = INITIAL_SESSION;
  let worker: Worker | undefined;
  let preview: TrainPreview | undefined;
  let previewKey = "";
  /** Rewriting an unchanged text would still cost the page a style and layout pass. */
  const setText = (node: Node, text: string) => {
    if (node.textContent !== text) node.textContent = text;
  };

  const longTasks = longTaskMeter(() => setText(mainThreadOut, longTasks.summary(session.phase !== "idle")));

  // Before the first run the curve spans the run the settings ask for.
  const steps = () => session.config?.training.steps ?? (controls.value.ok ? controls.value.input.training?.steps ?? 1 : 1);

  // The curve's width comes from a ResizeObserver (below): reading clientWidth here would force a layout.
  let curveWidth = 640;
  const curve = throttledTask(() => {
    lossHolder.replaceChildren(
      trainLossCurve({ steps: steps(), train: session.trace, heldOut: session.checkpoints, width: curveWidth, document }),
    );
  }, REDRAW_MS);

  const readouts = throttledTask(() => {
    const view = progressView(session);
    if (view.max !== undefined) progress.max = view.max;
    progress.value = view.value;
    setText(progressText, view.text);
    setText(stepOut, view.step);
    setText(lossOut, view.loss);
    setText(speedOut, view.speed);
    setText(timeOut, view.time);
  }, READOUT_MS);

  /**
   * The data behind the preview, drawn again only when the dataset changes; the samples layer is cleared.
   * `points`: the reader's own set, normalised as it trains (a file dataset's).
   */
  function showData(dataset: TrainConfigInput["dataset"] & {}, points?: Float64Array) {
    const key = JSON.stringify(dataset);
    const n = points ? points.length / 2 : dataset.n ?? DEFAULT_N;
    const count = Math.min(n, BACKGROUND_POINTS);
    if (key !== previewKey) {
      const data = points ?? makeDataset(dataset.name as DatasetName, { n, seed: dataset.seed, noise: dataset.noise });
      preview = trainPreview(data.subarray(0, 2 * count), { size: PREVIEW_SIZE, document });
      previewHolder.replaceChildren(preview);
      previewKey = key;
    }
    preview!.showSamples();
    const what = points
      ? `Your ${n.toLocaleString("en-US")} points as training sees them, centred and scaled to ±1.5 (${count === n ? "all" : count} of them drawn)`
      : `The ${DATASET_LABELS[dataset.name as DatasetName]} data (${count} of its ${n} points)`;
    previewCaption.textContent = `${what}. Once training starts, the network's samples are drawn over it at every checkpoint.`;
  }

  function drawPreview(checkpoint: CheckpointMessage) {
    preview!.showSamples(checkpoint.preview);
    const flow = session.config!.model.objective === "flow-matching";
    const sampler = flow ? `Euler, ${PREVIEW_SAMPLER_STEPS}` : `DDIM, ${Math.min(PREVIEW_SAMPLER_STEPS, session.config!.schedule.T)}`;
    previewCaption.textContent = `Step ${checkpoint.step}: ${PREVIEW_POINTS} samples of the network (${sampler} ` +
      `steps, the same starting noise at every checkpoint) over the data in grey. Sliced Wasserstein distance to ` +
      `the data: ${formatSig(checkpoint.swd)}.`;
  }

  /** The table holds a row per checkpoint of the session: new ones are appended, a new run clears it. */
  function showCheckpoints() {
    const rows = session.checkpoints;
    if (rows.length < tableBody.childElementCount) tableBody.replaceChildren();
    for (const row of rows.slice(tableBody.childElementCount)) {
      const tr = document.createElement("tr");
      for (const text of [String(row.step), formatSig(row.loss), formatSig(row.swd)]) {
        tr.append(document.createElement("td"));
        tr.lastChild!.textContent = text;
      }
      tableBody.append(tr);
    }
  }

  let settingsLocked: boolean | undefined;
  /** Everything but the curve, preview, table and readouts: cheap, so it runs after every event. */
  function show() {
    const view = sessionView(session, controls.value.ok);
    setText(status, view.status);
    status.setAttribute("role", view.alert ? "alert" : "status");
    root.dataset.phase = view.phase;
    if (view.settingsLocked !== settingsLocked) controls.setDisabled((settingsLocked = view.settingsLocked));
    const focused = [trainButton, pauseButton, stopButton].find((button) => button === button.ownerDocument.activeElement);
    trainButton.disabled = !view.canTrain;
    pauseButton.disabled = !view.canPause;
    setText(pauseButton, view.pauseLabel);
    pauseButton.setAttribute("aria-pressed", String(view.phase === "paused"));
    stopButton.disabled = !view.canStop;
    // A button disabled while it has focus drops focus to the page's body, and a keyboard reader back to
    // the top: hand it to the button that now applies (Pause once Train starts a run, Train once it ends).
    if (focused?.disabled) {
      (focused === trainButton ? [pauseButton, stopButton] : [trainButton, pauseButton, stopButton]).find((button) => !button.disabled)?.focus();
    }
    for (const download of [manifestButton, weightsButton, onnxButton]) download.disabled = !view.canDownload;
    setText(weightsButton, view.weightsLabel);
    setText(engineOut, view.engine);
    setText(heldOutOut, view.heldOut);
    setText(floorNote, view.floor);
    setText(mainThreadOut, longTasks.summary(view.phase !== "idle"));
  }

  /** The costlier parts, each only when what it shows has changed. */
  function showChanges(previous: SessionState) {
    if (session.checkpoints !== previous.checkpoints) {
      showCheckpoints();
      curve.request();
    }
    if (session.trace !== previous.trace) curve.request();
    if (session.latest && session.latest !== previous.latest) drawPreview(session.latest);
    if (session.progress !== previous.progress) readouts.request();
  }

  const saver = saveModel
    ? autosave({
      latest: () => sessionRun(session),
      everyMs: SAVE_EVERY_MS,
      save(run) {
        const kept = saveModel({ config: run.config, step: run.step, engine: run.engine, params: run.params, ...(session.points ? { points: session.points } : {}) });
        sessionNote.textContent = kept
          ? `The network at step ${run.step} is kept for this tab: the sampling page can sample it.`
          : "The network could not be kept for the sampling page: this browser's storage for the tab is full or " +
            "turned off. No network from an earlier run is offered there either.";
      },
    })
    : undefined;

  function perform(effect: SessionEffect) {
    switch (effect.type) {
      case "launch": {
        saver?.reset();
        longTasks.start();
        showData(session.config!.dataset, session.points);
        curve.flush();
        readouts.flush();
        const runWorker = createWorker();
        // A message already queued by an ended worker must not reach the next run.
        runWorker.onmessage = (event: MessageEvent<TrainMessage>) => worker === runWorker && dispatch(event.data);
        runWorker.onerror = (event) => {
          event.preventDefault();
          if (worker === runWorker) dispatch({ type: "worker-error", message: event.message });
        };
        runWorker.postMessage(effect.request);
        worker = runWorker;
        break;
      }
      case "send":
        worker?.postMessage(effect.request);
        break;
      case "end":
        worker?.terminate();
        worker = undefined;
        longTasks.stop();
        readouts.flush();
        curve.flush();
        break;
      case "save":
        saver?.request(effect.final);
        break;
    }
  }

  function dispatch(event: SessionEvent) {
    const next = transition(session, event);
    if (!next) return;
    const previous = session;
    session = next.state;
    showChanges(previous);
    // After showChanges: a run's start and end draw at once what it scheduled.
    for (const effect of next.effects) perform(effect);
    show();
  }

  trainButton.addEventListener("click", async () => {
    const value = controls.value;
    if (!value.ok) return;
    // The config's own parser (zod) fills every default; the controls have checked every value already.
    const { parseTrainConfig } = await import("../core/training/config.js");
    let config: TrainConfig;
    try {
      config = parseTrainConfig(value.input);
    } catch (error) {
      setText(status, `Not started: ${(error as Error).message}.`);
      status.setAttribute("role", "alert");
      return;
    }
    dispatch({ type: "start", input: value.input, config, at: new Date(), ...(value.points ? { points: value.points.points } : {}) });
  });
  pauseButton.addEventListener("click", () => dispatch({ type: session.phase === "paused" ? "resume" : "pause" }));
  stopButton.addEventListener("click", () => dispatch({ type: "stop" }));

  const download = (action: (run: BrowserRun) => Promise<void>) => async () => {
    const run = sessionRun(session);
    if (!run) return;
    try {
      await action(run);
      downloadNote.textContent = "";
    } catch (error) {
      downloadNote.textContent = `The download failed: ${(error as Error).message}`;
    }
  };
  const downloads = () => import("./trainDownloads.js");
  manifestButton.addEventListener("click", download(async (run) => {
    const files = await (await downloads()).runFiles(run);
    saveFile(files.manifestName, files.manifestText, "application/json", document);
  }));
  weightsButton.addEventListener("click", download(async (run) => {
    const files = await (await downloads()).runFiles(run);
    saveFile(files.weightsName, files.weights, "application/octet-stream", document);
  }));
  onnxButton.addEventListener("click", download(async (run) => {
    const { dataset } = run.config;
    const data = dataset.file === undefined ? dataset.name : baseName(dataset.file);
    const bytes = await (await downloads()).onnxModel(run);
    saveFile(`chisel-${data}-step-${run.step}.onnx`, bytes, "application/octet-stream", document);
  }));

  // While no run is on screen, the panel follows the settings (the controls re-dispatch each change on
  // their form), redrawing only what a change affects.
  let shown = { dataset: "", steps: 0 };
  const follow = () => {
    const value = controls.value;
    if (session.phase !== "idle" || !value.ok) return;
    const dataset = value.input.dataset ?? {};
    const steps = value.input.training?.steps ?? 0;
    if (JSON.stringify(dataset) !== shown.dataset) showData(dataset, value.points?.points);
    if (steps !== shown.steps) curve.flush();
    shown = { dataset: JSON.stringify(dataset), steps };
  };
  const onControls = (event: Event) => {
    if (event.target !== controls) return;
    follow();
    show();
  };
  controls.addEventListener("input", onControls);

  // Redraw the curve at the width the page gives it.
  const resizer = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(([entry]) => {
    const width = Math.round(entry.contentRect.width);
    if (width > 0 && width !== curveWidth) {
      curveWidth = width;
      curve.request();
    }
  });
  resizer?.observe(lossHolder);

  // Pages are separate documents: going to the sampling page mid-run ends this one, so save first.
  const view = document.defaultView;
  const onPageHide = () => saver?.saveNow();
  view?.addEventListener("pagehide", onPageHide);

  root.dispose = () => {
    controls.removeEventListener("input", onControls);
    view?.removeEventListener("pagehide", onPageHide);
    resizer?.disconnect();
    worker?.terminate();
    worker = undefined;
    longTasks.stop();
    curve.cancel();
    readouts.cancel();
  };

  // A progress bar without a value is indeterminate (animated): the readouts give it an empty one.
  readouts.flush();
  follow();
  curve.flush();
  show();
  return root;
}
