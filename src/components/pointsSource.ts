/**
 * Where the Train page's data comes from: a built-in set (the Dataset menu), or the reader's own points,
 * drawn on a canvas (pointsCanvas.ts) or uploaded as a CSV (`x,y` rows, an optional header) or a JSON
 * (`[[x, y], …]`) file. An upload is read and normalised by core/userData.ts as the CLI reads a file,
 * then rounded to the link's grid (pointsUrl.ts) and put on the canvas, where it can be drawn over.
 *
 * The set travels in the page's URL while its compressed parameter fits POINTS_URL_MAX_CHARS; past it,
 * the page says so and offers the points as a CSV file. A file that cannot be read gets one line naming
 * the problem and the limits, and the points stay as they were.
 *
 * The element announces each change (the choice, a finished stroke, a read file) with a bubbling
 * "input" event once the set is ready: its SHA-256 and parameter are computed asynchronously.
 */
import { decodePointsParam, POINTS_PRECISION, POINTS_URL_MAX_CHARS, quantisePoints } from "../core/pointsUrl.js";
import { distinctPointCount, type PointsSet, pointsSet } from "../core/pointsSet.js";
import { MAX_POINTS } from "../core/settings.js";
import { HALF_WIDTH, parseUserData, USER_DATA_LIMITS } from "../core/userData.js";
import { formatSig } from "./format.js";
import { BRUSH_DENSITIES, BRUSH_SIZES, type BrushDensity, type BrushSize, pointsCanvas } from "./pointsCanvas.js";
import { saveFile } from "./saveFile.js";
import { baseName, slug } from "./slug.js";

export type SourceKind = "built-in" | "own";

export type PointsSource = HTMLElement & {
  readonly kind: SourceKind;
  /** The own points, once ready; undefined while there are none, they cannot train, or they are being read. */
  readonly set: PointsSet | undefined;
  /** Why the own points cannot train yet (none drawn, one distinct point, still reading). */
  readonly problem: string | undefined;
  /** Opens a link's points parameter; a damaged one gets a notice line and leaves the built-in set chosen. */
  restore(param: string): Promise<void>;
  setDisabled(disabled: boolean): void;
};

/** The largest upload read at all, as the CLI's READ_LIMITS.points (128 MB). */
const MAX_UPLOAD_BYTES = 128 << 20;
const CANVAS_SIZE = 320;

let sources = 0;

export function pointsSource(options: { document?: Document } = {}): PointsSource {
  const { document = globalThis.document } = options;
  const id = `points-source-${++sources}`;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text = "") => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };
  const root = el("div", "points-source") as unknown as PointsSource;

  // The choice: a built-in set or the reader's own points.
  const choice = el("div", "points-source-choice");
  choice.setAttribute("role", "radiogroup");
  choice.setAttribute("aria-label", "Data");
  const radios = new Map<SourceKind, HTMLInputElement>();
  for (const [kind, text] of [["built-in", "a built-in set"], ["own", "your own points: draw or upload"]] as const) {
    const input = el("input");
    input.type = "radio";
    input.name = id;
    input.value = kind;
    input.id = `${id}-${kind}`;
    input.checked = kind === "built-in";
    // The radio inside its label: the two wrap onto a narrow screen's next line together.
    const label = el("label");
    label.htmlFor = input.id;
    label.append(input, ` ${text}`);
    choice.append(label);
    radios.set(kind, input);
  }
  const notice = el("p", "points-source-notice");
  notice.setAttribute("role", "alert");
  notice.hidden = true;

  // The own points' panel: tools, the canvas, what the set is and how it travels.
  const panel = el("div", "points-source-panel");
  const tools = el("div", "points-source-tools");
  const toolButtons = (["brush", "eraser"] as const).map((tool) => {
    const button = el("button", "", tool === "brush" ? "Brush" : "Eraser");
    button.type = "button";
    button.addEventListener("click", () => {
      canvas.tool = tool;
      showTool();
    });
    return button;
  });
  const select = <V extends string>(label: string, values: Record<V, number>, initial: V, set: (value: V) => void) => {
    const element = el("select");
    element.setAttribute("aria-label", label);
    for (const value of Object.keys(values) as V[]) {
      const option = el("option", "", `${label.toLowerCase()}: ${value}`);
      option.value = value;
      option.selected = value === initial;
      element.append(option);
    }
    element.addEventListener("input", (event) => {
      event.stopPropagation(); // a brush setting is not a training setting
      set(element.value as V);
    });
    return element;
  };
  const sizeSelect = select<BrushSize>("Brush size", BRUSH_SIZES, "medium", (value) => (canvas.size = value));
  const densitySelect = select<BrushDensity>("Density", BRUSH_DENSITIES, "medium", (value) => (canvas.density = value));
  const undoButton = el("button", "", "Undo");
  undoButton.type = "button";
  const clearButton = el("button", "", "Clear");
  clearButton.type = "button";
  const upload = el("input");
  upload.type = "file";
  upload.accept = ".csv,.json,.txt,text/csv,application/json";
  upload.id = `${id}-upload`;
  const uploadLabel = el("label", "points-source-upload", "Upload CSV or JSON: ");
  uploadLabel.htmlFor = upload.id;
  uploadLabel.append(upload);
  tools.append(...toolButtons, sizeSelect, densitySelect, undoButton, clearButton, uploadLabel);

  const canvas = pointsCanvas({ size: CANVAS_SIZE, document });
  const uploadProblem = el("p", "points-source-problem");
  uploadProblem.setAttribute("role", "alert");
  const uploadNote = el("p", "points-source-note");
  const about = el("p", "points-source-note points-source-about");
  about.setAttribute("role", "status");
  const share = el("p", "points-source-note");
  const csvButton = el("button", "", "Download the points (CSV)");
  csvButton.type = "button";
  panel.append(tools, canvas, uploadProblem, uploadNote, about, share, csvButton);
  root.append(choice, notice, panel);

  let kind: SourceKind = "built-in";
  let set: PointsSet | undefined;
  let problem: string | undefined = "no points yet: draw on the plane or upload a file";
  /** Whether the points are an upload's as read, which its note describes; any later change ends that. */
  let showingUpload = false;
  let pending = 0;

  const announce = () => {
    const { Event } = document.defaultView ?? globalThis;
    root.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const showTool = () => {
    toolButtons.forEach((button, i) => button.setAttribute("aria-pressed", String(canvas.tool === (i === 0 ? "brush" : "eraser"))));
  };
  const show = () => {
    panel.hidden = kind !== "own";
    undoButton.disabled = !canvas.canUndo;
    csvButton.disabled = !set;
    if (!set) {
      about.textContent = problem ? `Not ready: ${problem}.` : "";
      share.textContent = "";
      return;
    }
    const n = set.points.length / 2;
    const counts = `${n.toLocaleString("en-US")} points, ${distinctPointCount(set.quantised).toLocaleString("en-US")} ` +
      "of them distinct (a repeat weighs as often as it occurs)";
    const { centre, scale } = set.normalisation;
    // An upload's note already gives its file's map; the rounded set's own map is about the identity.
    about.textContent = showingUpload
      ? `${counts}: the rounded points are what trains.`
      : `${counts}. Training sees them as the built-in sets are: centred on (${formatSig(centre[0])}, ` +
        `${formatSig(centre[1])}) and scaled by ${formatSig(scale)}, so the widest coordinate is ±${HALF_WIDTH}.`;
    share.textContent = set.param
      ? `This page's link holds these points (${set.paramLength.toLocaleString("en-US")} of the ` +
        `${POINTS_URL_MAX_CHARS.toLocaleString("en-US")} characters a link carries, about 2,000 drawn points), ` +
        `rounded to ${POINTS_PRECISION} as they train.`
      : `Too many points for a link (${set.paramLength.toLocaleString("en-US")} characters, past the ` +
        `${POINTS_URL_MAX_CHARS.toLocaleString("en-US")} it carries): the link holds the other settings only; ` +
        "download the points as a CSV to share them.";
  };

  /** Reads the canvas's points into a set; only the latest of overlapping reads is kept. */
  async function refresh() {
    const ticket = ++pending;
    const quantised = canvas.points;
    set = undefined;
    problem = quantised.length === 0 ? "no points yet: draw on the plane or upload a file" : "reading the points…";
    show();
    if (quantised.length === 0) {
      announce();
      return;
    }
    let next: PointsSet | undefined;
    let why: string | undefined;
    try {
      next = await pointsSet(canvas.label, quantised);
    } catch (error) {
      why = (error as Error).message.replace(/^points: /, "");
    }
    if (ticket !== pending) return;
    set = next;
    problem = why;
    show();
    announce();
  }

  /** Set while an upload puts its points on the canvas: that change keeps the upload's note. */
  let uploading = false;
  canvas.addEventListener("change", (event) => {
    event.stopPropagation();
    showingUpload = uploading;
    if (!uploading) {
      uploadNote.textContent = "";
      uploadProblem.textContent = "";
    }
    refresh();
  });
  undoButton.addEventListener("click", () => canvas.undo());
  clearButton.addEventListener("click", () => canvas.clear());
  csvButton.addEventListener("click", () => set && saveFile(`${set.name}.csv`, set.csv, "text/csv", document));
  for (const [value, input] of radios) {
    input.addEventListener("input", (event) => {
      event.stopPropagation();
      if (!input.checked) return;
      kind = value;
      show();
      announce();
    });
  }
  upload.addEventListener("input", (event) => event.stopPropagation());
  upload.addEventListener("change", async () => {
    const file = upload.files?.[0];
    upload.value = "";
    if (!file) return;
    const refuse = (why: string) => {
      uploadProblem.textContent = `${file.name}: ${why}. A points file holds ${USER_DATA_LIMITS}, in at most ` +
        `${MAX_UPLOAD_BYTES >> 20} MB; the points are unchanged.`;
    };
    if (file.size > MAX_UPLOAD_BYTES) return refuse(`${(file.size / 2 ** 20).toFixed(0)} MB is too large`);
    let data;
    try {
      data = parseUserData(await file.text());
    } catch (error) {
      return refuse((error as Error).message.replace(/^points: /, ""));
    }
    const n = data.points.length / 2;
    const { centre, scale } = data.normalisation;
    const quantised = quantisePoints(data.points);
    const [before, after] = [distinctPointCount(data.points), distinctPointCount(quantised)];
    const merged = after < before
      ? ` Rounding merged ${(before - after).toLocaleString("en-US")} of its ${before.toLocaleString("en-US")} distinct ` +
        `points into others (${after.toLocaleString("en-US")} distinct remain).`
      : "";
    uploadProblem.textContent = "";
    uploadNote.textContent = `${file.name}: ${n.toLocaleString("en-US")} ${data.format.toUpperCase()} points of at most ` +
      `${MAX_POINTS.toLocaleString("en-US")}, every row kept, centred on (${formatSig(centre[0])}, ${formatSig(centre[1])}) ` +
      `and scaled by ${formatSig(scale)}, then rounded to ${POINTS_PRECISION}.${merged} Draw over them or erase as you like.`;
    uploading = true;
    try {
      canvas.replace(quantised, slug(baseName(file.name)) || "uploaded");
    } finally {
      uploading = false;
    }
  });

  Object.defineProperty(root, "kind", { get: () => kind });
  Object.defineProperty(root, "set", { get: () => (kind === "own" ? set : undefined) });
  Object.defineProperty(root, "problem", { get: () => (kind === "own" ? problem : undefined) });
  const choose = (next: SourceKind) => {
    kind = next;
    radios.get(next)!.checked = true;
  };
  root.restore = async (param) => {
    // The link's points are the data from the start: no run starts on the built-in set meanwhile.
    choose("own");
    const ticket = ++pending;
    problem = "reading the link's points…";
    show();
    try {
      const points = await decodePointsParam(param);
      if (ticket !== pending) return;
      canvas.replace(points, "shared");
    } catch (error) {
      if (ticket !== pending) return;
      choose("built-in");
      problem = "no points yet: draw on the plane or upload a file";
      notice.hidden = false;
      notice.textContent = `This link's points could not be read (${(error as Error).message}): the built-in set is shown instead.`;
      show();
      announce();
    }
  };
  root.setDisabled = (disabled) => {
    for (const control of root.querySelectorAll<HTMLInputElement | HTMLButtonElement | HTMLSelectElement>("input, button, select")) {
      control.disabled = disabled;
    }
    canvas.setDisabled(disabled);
    if (!disabled) show();
  };
  showTool();
  show();
  return root;
}
