/**
 * The elements of the Train page's run panel, empty: their structure, class names, labels and fixed
 * sizes, on which the page's styles and its end-to-end test rely. trainPanel.ts fills them.
 */
import { LOSS_COLORS, LOSS_CURVE_HEIGHT } from "./trainLossCurve.js";

export function trainPanelLayout(document: Document) {
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

  const root = element("div", "train-panel");
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
  return {
    root,
    trainButton,
    pauseButton,
    stopButton,
    status,
    progress,
    progressText,
    engineOut,
    stepOut,
    lossOut,
    heldOutOut,
    speedOut,
    timeOut,
    mainThreadOut,
    lossHolder,
    previewHolder,
    previewCaption,
    tableBody,
    floorNote,
    manifestButton,
    weightsButton,
    onnxButton,
    downloadNote,
    sessionNote,
  };
}
