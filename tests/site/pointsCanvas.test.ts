/**
 * The drawing canvas (src/components/pointsCanvas.ts) driven by synthetic pointer events: a brush dab
 * sprays its density of points within its radius, on the grid and inside the plane; a stroke dabs every
 * half radius, measured inside the canvas's border; the eraser wipes what lies within its radius; undo
 * takes back one stroke at a time, and clear is undoable too; a full plane says the brush adds no more.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { BRUSH_DENSITIES, BRUSH_SIZES, pointsCanvas } from "../../src/components/pointsCanvas.js";
import { Rng } from "../../src/core/random.js";
import { MAX_POINTS } from "../../src/core/settings.js";

const window = new JSDOM("<!doctype html><body></body>").window;
const document = window.document;
window.HTMLCanvasElement.prototype.getContext = () => null;
/** The canvas's box on screen: 300 px square at the origin, so 100 px is one plane unit and (150, 150) is (0, 0). */
window.HTMLCanvasElement.prototype.getBoundingClientRect = () => ({ left: 0, top: 0, width: 300, height: 300 }) as DOMRect;

function pointer(type: string, x: number, y: number): Event {
  return Object.assign(new window.MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true }), { pointerId: 1 });
}

function drawOn(target: HTMLCanvasElement, path: [number, number][]): void {
  target.dispatchEvent(pointer("pointerdown", ...path[0]));
  for (const at of path.slice(1)) target.dispatchEvent(pointer("pointermove", ...at));
  target.dispatchEvent(pointer("pointerup", ...path.at(-1)!));
}

function setup() {
  const rng = new Rng(3);
  const canvas = pointsCanvas({ size: 300, document, random: () => rng.uniform() });
  let changes = 0;
  canvas.addEventListener("change", () => changes++);
  return { canvas, surface: canvas.querySelector("canvas")!, changes: () => changes };
}

describe("the drawing canvas", () => {
  it("sprays a dab of its density within the brush, on the grid, and announces the stroke once", () => {
    const { canvas, surface, changes } = setup();
    drawOn(surface, [[150, 150]]);
    const points = canvas.points;
    expect(points.length).toBe(2 * BRUSH_DENSITIES.medium);
    for (let i = 0; i < points.length; i += 2) {
      expect(Number.isInteger(points[i])).toBe(true);
      // Within the radius (in thousandths), give or take the rounding to the grid.
      expect(Math.hypot(points[i], points[i + 1])).toBeLessThanOrEqual(BRUSH_SIZES.medium * 1000 + 1);
    }
    expect(changes()).toBe(1);
  });

  it("dabs every half radius along a stroke, and keeps the points inside the plane", () => {
    const { canvas, surface } = setup();
    canvas.size = "large";
    // From (−1.45, 0) to (1.45, 0): 2.9 units, a dab every 0.125, the first where the stroke starts.
    drawOn(surface, [[5, 150], [295, 150]]);
    const dabs = 1 + Math.floor(2.9 / (BRUSH_SIZES.large / 2));
    const n = canvas.points.length / 2;
    // Dabs near the edges lose the points that fall outside ±1.5.
    expect(n).toBeLessThanOrEqual(dabs * BRUSH_DENSITIES.medium);
    expect(n).toBeGreaterThan(0.8 * dabs * BRUSH_DENSITIES.medium);
    expect(Math.max(...Array.from(canvas.points, Math.abs))).toBeLessThanOrEqual(1500);
  });

  it("erases within the eraser's radius, and undoes one stroke at a time", () => {
    const { canvas, surface } = setup();
    drawOn(surface, [[100, 150]]);
    drawOn(surface, [[200, 150]]);
    const both = canvas.points;
    canvas.tool = "eraser";
    drawOn(surface, [[100, 150]]);
    const left = canvas.points;
    // The dab at (−0.5, 0) is gone, the one at (0.5, 0) is whole.
    expect(left.length).toBe(2 * BRUSH_DENSITIES.medium);
    for (let i = 0; i < left.length; i += 2) expect(left[i]).toBeGreaterThan(0);
    canvas.undo();
    expect(Array.from(canvas.points)).toEqual(Array.from(both));
    canvas.undo();
    expect(canvas.points.length).toBe(2 * BRUSH_DENSITIES.medium);
    canvas.clear();
    expect(canvas.points.length).toBe(0);
    canvas.undo();
    expect(canvas.points.length).toBe(2 * BRUSH_DENSITIES.medium);
  });

  it("measures the plane inside the canvas's border, and stays square at a phone's width", () => {
    const { canvas, surface } = setup();
    // A 10 px border: the box is 320 px, the plane 300 px from (10, 10).
    surface.getBoundingClientRect = () => ({ left: 0, top: 0, width: 320, height: 320 }) as DOMRect;
    Object.defineProperties(surface, { clientLeft: { value: 10 }, clientTop: { value: 10 } });
    canvas.size = "small";
    canvas.density = "dense";
    // A dab at the plane's top-left corner keeps only points inside it, within the brush of (−1.5, 1.5).
    drawOn(surface, [[10, 10]]);
    const points = canvas.points;
    expect(points.length).toBeGreaterThan(0);
    for (let i = 0; i < points.length; i += 2) {
      expect(Math.hypot(points[i] + 1500, points[i + 1] - 1500)).toBeLessThanOrEqual(BRUSH_SIZES.small * 1000 + 1);
    }
    expect(surface.style.width).toBe("100%");
    expect(surface.style.maxWidth).toBe("300px");
    expect(surface.style.aspectRatio).toBe("1");
    expect(surface.style.height).toBe("auto");
  });

  it("says so when the plane is full, and the brush adds nothing past the cap", () => {
    const { canvas, surface } = setup();
    const note = canvas.querySelector<HTMLElement>(".points-canvas-cap")!;
    expect(note.hidden).toBe(true);
    const full = new Int16Array(2 * MAX_POINTS).fill(1);
    canvas.replace(full, "full");
    expect(note.hidden).toBe(false);
    expect(note.textContent).toMatch(/holds 100,000 points.*adds no more/);
    drawOn(surface, [[150, 150]]);
    expect(canvas.points.length).toBe(2 * MAX_POINTS);
    canvas.undo(); // the stroke that added nothing
    canvas.undo(); // the replacement
    expect(canvas.points.length).toBe(0);
    expect(note.hidden).toBe(true);
  });

  it("draws nothing while disabled", () => {
    const { canvas, surface } = setup();
    canvas.setDisabled(true);
    drawOn(surface, [[150, 150]]);
    expect(canvas.points.length).toBe(0);
    expect(canvas.canUndo).toBe(false);
  });
});
