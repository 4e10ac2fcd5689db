/**
 * A canvas over the [−1.5, 1.5]² plane on which a reader sprays points with a brush, or wipes them
 * with an eraser, by mouse, pen or finger (pointer events). Each stroke can be undone, and clear empties
 * the plane (undoably too). Points land on the grid of core/pointsUrl.ts from the start, so what is drawn
 * is exactly what a link or a CSV carries.
 */
import { POINTS_PRECISION, type QuantisedPoints } from "../core/pointsUrl.js";
import { HALF_WIDTH } from "../core/userData.js";
import { MAX_POINTS } from "../core/settings.js";

/** Brush radii in plane units, and points sprayed per dab. */
export const BRUSH_SIZES = { small: 0.06, medium: 0.12, large: 0.25 } as const;
export const BRUSH_DENSITIES = { sparse: 3, medium: 8, dense: 20 } as const;
export type BrushSize = keyof typeof BRUSH_SIZES;
export type BrushDensity = keyof typeof BRUSH_DENSITIES;
export type Tool = "brush" | "eraser";
/**
 * Undo keeps this many steps. A brush stroke only appends, so its step keeps the count before it; an
 * eraser stroke or a replacement keeps a copy of the points before it.
 */
const UNDO_DEPTH = 50;
const UNITS = 1 / POINTS_PRECISION;
/** The label of points that were drawn, and of an empty plane. */
const DRAWN = "drawn";

export type PointsCanvas = HTMLElement & {
  /** The points as they stand. */
  readonly points: QuantisedPoints;
  tool: Tool;
  size: BrushSize;
  density: BrushDensity;
  /** What the points are called ("drawn", an upload's name); undo brings back the name with the points. */
  readonly label: string;
  /** Replaces every point (an upload, a link) and names them, as one undoable step. */
  replace(points: QuantisedPoints, label: string): void;
  clear(): void;
  undo(): void;
  readonly canUndo: boolean;
  setDisabled(disabled: boolean): void;
};

export function pointsCanvas(options: { size?: number; document?: Document; random?: () => number } = {}): PointsCanvas {
  const { size = 320, document = globalThis.document, random = Math.random } = options;
  const root = document.createElement("div") as unknown as PointsCanvas;
  root.className = "points-canvas";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  // Square at any width (a phone's column is narrower than `size`); no scrolling or zooming under a
  // finger that draws.
  canvas.style.cssText = `width: 100%; max-width: ${size}px; aspect-ratio: 1; height: auto; touch-action: none; ` +
    "cursor: crosshair; border: 1px solid var(--theme-foreground-faint); display: block; box-sizing: border-box;";
  const capNote = document.createElement("p");
  capNote.className = "points-canvas-cap";
  capNote.setAttribute("role", "status");
  capNote.textContent = `The plane holds ${MAX_POINTS.toLocaleString("en-US")} points, the most a set may have: ` +
    "the brush adds no more. Erase or undo to make room.";
  root.append(canvas, capNote);

  let points: number[] = [];
  let label = DRAWN;
  const undoStack: { points: number | number[]; label: string }[] = [];
  let disabled = false;
  root.tool = "brush";
  root.size = "medium";
  root.density = "medium";

  const changed = () => {
    draw();
    const { Event } = document.defaultView ?? globalThis;
    root.dispatchEvent(new Event("change", { bubbles: true }));
  };
  /** Remembers the points before a change: their count when the change only appends. */
  const remember = (appendOnly: boolean) => {
    undoStack.push({ points: appendOnly ? points.length : points.slice(), label });
    if (undoStack.length > UNDO_DEPTH) undoStack.shift();
  };

  let context: CanvasRenderingContext2D | null = null;
  /** Plots points [from, points.length) over what is drawn. */
  function plot(from: number) {
    if (!context) return;
    const scale = size / (2 * HALF_WIDTH * UNITS);
    for (let i = from; i < points.length; i += 2) {
      context.fillRect((points[i] + HALF_WIDTH * UNITS) * scale - 1, (HALF_WIDTH * UNITS - points[i + 1]) * scale - 1, 2, 2);
    }
  }
  function describe() {
    canvas.setAttribute("aria-label", `${points.length / 2} points drawn on the plane from −${HALF_WIDTH} to ${HALF_WIDTH}`);
    capNote.hidden = points.length < 2 * MAX_POINTS;
  }
  function draw() {
    describe();
    const ratio = document.defaultView?.devicePixelRatio ?? 1;
    canvas.width = Math.round(size * ratio);
    canvas.height = Math.round(size * ratio);
    context = canvas.getContext("2d");
    if (!context) return;
    context.scale(ratio, ratio);
    const color = document.defaultView?.getComputedStyle(canvas).color || "black";
    context.strokeStyle = color;
    context.globalAlpha = 0.2;
    context.beginPath();
    context.moveTo(size / 2, 0);
    context.lineTo(size / 2, size);
    context.moveTo(0, size / 2);
    context.lineTo(size, size / 2);
    context.stroke();
    context.globalAlpha = 0.7;
    context.fillStyle = color;
    plot(0);
  }

  /** The plane position (in grid units) under a pointer event, measured in the box inside the border. */
  const planeAt = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    const [left, top] = [canvas.clientLeft, canvas.clientTop];
    const u = (event.clientX - box.left - left) / (box.width - 2 * left);
    const v = (event.clientY - box.top - top) / (box.height - 2 * top);
    return { x: (2 * u - 1) * HALF_WIDTH * UNITS, y: (1 - 2 * v) * HALF_WIDTH * UNITS };
  };

  /** Sprays or erases around (x, y), in grid units. */
  function dab(x: number, y: number) {
    const radius = BRUSH_SIZES[root.size] * UNITS;
    if (root.tool === "eraser") {
      const kept: number[] = [];
      for (let i = 0; i < points.length; i += 2) {
        if (Math.hypot(points[i] - x, points[i + 1] - y) > radius) kept.push(points[i], points[i + 1]);
      }
      points = kept;
      return;
    }
    const limit = HALF_WIDTH * UNITS;
    for (let k = 0; k < BRUSH_DENSITIES[root.density] && points.length < 2 * MAX_POINTS; k++) {
      // Uniform over the disc: the square root spreads the radius evenly over its area.
      const r = radius * Math.sqrt(random());
      const angle = 2 * Math.PI * random();
      const px = Math.round(x + r * Math.cos(angle));
      const py = Math.round(y + r * Math.sin(angle));
      if (Math.abs(px) <= limit && Math.abs(py) <= limit) points.push(px, py);
    }
  }

  // A stroke dabs where it starts, then each time the pointer has moved half a radius, so a slow drag
  // does not pile points up and a fast one leaves no gaps.
  let stroke: { id: number; x: number; y: number } | undefined;
  canvas.addEventListener("pointerdown", (event) => {
    if (disabled || stroke || event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    remember(root.tool === "brush");
    const { x, y } = planeAt(event);
    stroke = { id: event.pointerId, x, y };
    strokeDabs([{ x, y }]);
  });
  /** Dabs at each place; a brush's new points are plotted over the drawing, an eraser's wipe redraws it. */
  function strokeDabs(places: { x: number; y: number }[]) {
    const from = points.length;
    for (const { x, y } of places) dab(x, y);
    if (root.tool === "eraser") return draw();
    plot(from);
    describe();
  }
  canvas.addEventListener("pointermove", (event) => {
    if (!stroke || event.pointerId !== stroke.id) return;
    const { x, y } = planeAt(event);
    const step = (BRUSH_SIZES[root.size] * UNITS) / 2;
    const distance = Math.hypot(x - stroke.x, y - stroke.y);
    if (distance < step) return;
    const places = [];
    for (let k = 1; k <= Math.floor(distance / step); k++) {
      const t = (k * step) / distance;
      places.push({ x: stroke.x + t * (x - stroke.x), y: stroke.y + t * (y - stroke.y) });
    }
    strokeDabs(places);
    stroke = { ...stroke, x, y };
  });
  const endStroke = (event: PointerEvent) => {
    if (!stroke || event.pointerId !== stroke.id) return;
    stroke = undefined;
    changed();
  };
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  Object.defineProperty(root, "points", { get: () => Int16Array.from(points) });
  Object.defineProperty(root, "canUndo", { get: () => undoStack.length > 0 });
  Object.defineProperty(root, "label", { get: () => label });
  root.replace = (next, name) => {
    remember(false);
    points = Array.from(next);
    label = name;
    changed();
  };
  root.clear = () => root.replace(new Int16Array(0), DRAWN);
  root.undo = () => {
    const previous = undoStack.pop();
    if (previous === undefined) return;
    if (typeof previous.points === "number") points.length = previous.points;
    else points = previous.points;
    label = previous.label;
    changed();
  };
  root.setDisabled = (value) => {
    disabled = value;
    canvas.style.opacity = value ? "0.6" : "";
  };
  draw();
  return root;
}
