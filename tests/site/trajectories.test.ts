/**
 * The Trajectories page's animation: points and paths between a run's kept frames, the scrubber's
 * position between frames, the picture redrawn in place (its fixed axes as a snapshot), and the
 * distance chart's cursor moved without redrawing the chart.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { distanceChart, moveDistanceCursor } from "../../src/components/distanceToData.js";
import { frameScrubber } from "../../src/components/frameScrubber.js";
import { pathTo, pointsAt } from "../../src/components/framesBetween.js";
import { smoothPath } from "../../src/components/trajectoryFrame.js";
import { trajectoryAxes, trajectoryView } from "../../src/components/trajectoryView.js";
import { matchSnapshot } from "../support/snapshot.js";

const { window } = new JSDOM("", { pretendToBeVisual: true });
const document = window.document;

// Two points over three frames: point 0 walks (0,0) → (2,0) → (2,4); point 1 stays at (1,1).
const frames = Float64Array.from([0, 0, 1, 1, 2, 0, 1, 1, 2, 4, 1, 1]);

describe("framesBetween", () => {
  it("gives the kept frames at whole positions and the straight line between them", () => {
    expect([...pointsAt(frames, 2, 1)]).toEqual([2, 0, 1, 1]);
    expect([...pointsAt(frames, 2, 2)]).toEqual([2, 4, 1, 1]);
    expect([...pointsAt(frames, 2, 0.25)]).toEqual([0.5, 0, 1, 1]);
    expect([...pointsAt(frames, 2, 1.5)]).toEqual([2, 2, 1, 1]);
  });

  it("traces a point's path up to the position, ending where the point is", () => {
    expect([...pathTo(frames, 2, 0, 1)]).toEqual([0, 0, 2, 0]);
    expect([...pathTo(frames, 2, 0, 1.5)]).toEqual([0, 0, 2, 0, 2, 2]);
    // Smoothed as the page smooths DDPM's paths; the interpolated end is added after.
    expect([...pathTo(frames, 2, 0, 2, 1)]).toEqual([...smoothPath(Float64Array.from([0, 0, 2, 0, 2, 4]), 1)]);
    expect([...pathTo(frames, 2, 0, 1.5, 1)]).toEqual([0, 0, 2, 0, 2, 2]);
  });

  it("refuses positions outside the run and frames that do not fit", () => {
    expect(() => pointsAt(frames, 2, 2.5)).toThrow(/position must be in \[0, 2\]/);
    expect(() => pointsAt(frames, 2, -1)).toThrow(/position must be in/);
    expect(() => pathTo(frames.subarray(1), 2, 0, 0)).toThrow(/whole frames of 2 points/);
  });
});

describe("frameScrubber position", () => {
  it("follows the slider, announcing each move", () => {
    const scrubber = frameScrubber({ frames: 5, value: 2, document });
    expect(scrubber.position).toBe(2);
    const seen: number[] = [];
    scrubber.addEventListener("position", () => seen.push(scrubber.position));
    const range = scrubber.querySelector("input")!;
    range.value = "4";
    range.dispatchEvent(new window.Event("input", { bubbles: true }));
    expect(seen).toEqual([4]);
    expect(scrubber.value).toBe(4);
  });

  it("moves between frames while playing and ends on the last frame", async () => {
    const scrubber = frameScrubber({ frames: 3, fps: 60, document });
    document.body.append(scrubber);
    const seen: number[] = [];
    scrubber.addEventListener("position", () => seen.push(scrubber.position));
    const button = scrubber.querySelector("button")!;
    button.click();
    await new Promise<void>((resolve) => {
      const check = () => (button.getAttribute("aria-pressed") === "false" ? resolve() : window.setTimeout(check, 10));
      check();
    });
    expect(seen.at(-1)).toBe(2);
    expect(scrubber.value).toBe(2);
    // Positions only grow.
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1])).toBe(true);
    scrubber.remove();
  });
});

describe("trajectoryView", () => {
  it("has fixed axes (snapshot) over a canvas on the plot area", () => {
    matchSnapshot("trajectories-axes.svg", trajectoryAxes(240, 3.5, document));
    const view = trajectoryView({ end: [0, 1], background: [0, 0], size: 240, document });
    const canvas = view.querySelector("canvas")!;
    expect([canvas.style.left, canvas.style.top]).toEqual(["32px", "24px"]);
    expect([canvas.width, canvas.height]).toEqual([240 - 32 - 24, 240 - 24 - 24]);
  });

  it("takes each frame's description and refuses points that do not match the end values", () => {
    const view = trajectoryView({ end: [0, 1], document });
    view.draw({ points: [0, 0, 1, 1], trails: [{ end: 1, path: [2, 2, 1, 1] }], ariaDescription: "2 points at t = 40" });
    expect(view.querySelector("svg")!.getAttribute("aria-description")).toBe("2 points at t = 40");
    expect(() => view.draw({ points: [0, 0] })).toThrow(/one 2D point per end value \(4 numbers\)/);
  });
});

describe("moveDistanceCursor", () => {
  it("adds one dashed rule and moves it to t on the chart's own scale", () => {
    const chart = distanceChart({ t: [1000, 500, 0], xt: [1, 0.5, 0.02], x0: [2, 0.1, 0.02] }, { width: 480, document });
    moveDistanceCursor(chart, 1000);
    moveDistanceCursor(chart, 500);
    const cursors = chart.querySelectorAll("line.distance-cursor");
    expect(cursors.length).toBe(1);
    expect(Number(cursors[0].getAttribute("x1"))).toBeCloseTo(chart.scale("x")!.apply(500) as number, 9);
    expect(cursors[0].getAttribute("x2")).toBe(cursors[0].getAttribute("x1"));
  });
});
