/**
 * The sampling and trajectories pages' building blocks: the frame choice (against numpy), sampling that
 * yields to the event loop and can be aborted, and the chart components' SVG/HTML output compared with
 * committed snapshots in tests/site/__snapshots__ (UPDATE_SNAPSHOTS=1 writes missing ones and accepts
 * deliberate changes).
 */
import { JSDOM } from "jsdom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { frameSteps } from "../../src/data/views/trajectories.js";
import { makeDataset } from "../../src/core/datasets.js";
import type { Denoiser } from "../../src/core/denoiser.js";
import { oracleDenoiser } from "../../src/core/oracle.js";
import { sample } from "../../src/core/sample.js";
import { DEFAULT_SCHEDULE, makeSchedule } from "../../src/core/schedule.js";
import { timestepGrid } from "../../src/core/timesteps.js";
import { checkpointGrid } from "../../src/components/checkpointGrid.js";
import { distanceChart, meanNearestDistance } from "../../src/components/distanceToData.js";
import { frameScrubber } from "../../src/components/frameScrubber.js";
import { metricsTable } from "../../src/components/metricsTable.js";
import { qualityChart, type QualityData } from "../../src/components/qualityChart.js";
import { runProgress } from "../../src/components/runProgress.js";
import { samplePanels, yieldingDenoiser } from "../../src/components/samplingRunner.js";
import { countOutside, smoothPath, trajectoryFrame } from "../../src/components/trajectoryFrame.js";
import { matchSnapshot } from "../support/snapshot.js";

const document = new JSDOM("").window.document;


const schedule = makeSchedule(DEFAULT_SCHEDULE);

describe("trajectory frames", () => {
  it("keeps short runs whole", () => {
    expect(frameSteps(schedule, timestepGrid(1000, 50))).toEqual(Array.from({ length: 50 }, (_, k) => k));
  });

  it("spreads 100 frames of the 1000-step run evenly in log-SNR (numpy: first index with λ ≥ each target)", () => {
    // betas = linspace(1e-4, 0.02, 1000); ab = cumprod(1 - betas); lam = log(ab / (1 - ab))[::-1];
    // targets = lam[0] + (lam[-1] - lam[0]) * arange(100) / 99; sorted(set(searchsorted(lam, targets)))
    const numpy = [
      0, 10, 20, 30, 40, 50, 60, 71, 81, 92, 102, 113, 124, 135, 146, 158, 169, 181, 193, 205, 217, 230, 242, 255,
      268, 281, 295, 309, 322, 337, 351, 366, 381, 397, 413, 429, 445, 462, 479, 497, 515, 533, 551, 570, 590, 609,
      629, 648, 668, 687, 707, 726, 745, 763, 780, 797, 813, 829, 843, 856, 869, 881, 891, 901, 911, 919, 927, 934,
      940, 946, 951, 956, 961, 965, 968, 972, 975, 978, 980, 982, 984, 986, 988, 989, 991, 992, 993, 994, 995, 996,
      997, 998, 999,
    ];
    expect(frameSteps(schedule, timestepGrid(1000, 1000))).toEqual(numpy);
  });
});

describe("sampling in a page", () => {
  const data = makeDataset("spiral", { n: 64, seed: 1 });
  const settings = { sampler: "ddim" as const, variance: "betaTilde" as const, eta: 0.5, steps: [3, 7], seed: 5, n: 8 };

  it("gives the same samples as sample() itself, every panel from the seed's x_T", async () => {
    const progress: [number, number][] = [];
    const panels = await samplePanels({
      schedule,
      denoiser: oracleDenoiser(schedule, data),
      settings,
      sliceMs: 0,
      onProgress: (done, total) => progress.push([done, total]),
    });
    for (const [i, steps] of settings.steps.entries()) {
      const direct = await sample({ schedule, denoiser: oracleDenoiser(schedule, data), ...settings, steps });
      expect(panels[i].samples).toEqual(direct.samples);
    }
    expect(progress.at(-1)).toEqual([10, 10]);
    expect(progress.map(([done]) => done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("hands out each panel's points on the way", async () => {
    const partials: { index: number; done: number; x: Float64Array }[] = [];
    await samplePanels({
      schedule,
      denoiser: oracleDenoiser(schedule, data),
      settings,
      sliceMs: 0,
      partialMs: 0,
      onPartial: (index, x, done) => partials.push({ index, done, x }),
    });
    // Every step but a panel's last (the panel itself follows).
    expect(partials.map(({ index, done }) => [index, done])).toEqual([[0, 1], [0, 2], [1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 6]]);
    const direct = await sample({ schedule, denoiser: oracleDenoiser(schedule, data), ...settings, steps: 7, trajectory: true });
    expect(partials[4].x).toEqual(direct.trajectory!.xt[3]); // the state after 3 of 7 steps
  });

  it("lets other tasks run between steps of a synchronous denoiser, so an abort from one stops the run", async () => {
    const oracle = oracleDenoiser(schedule, data);
    let calls = 0;
    // 3 ms of busy work per call: 200 steps would hold the thread for 0.6 s without yielding.
    const slow: Denoiser = {
      parameterization: oracle.parameterization,
      predict(x, t) {
        calls++;
        const until = performance.now() + 3;
        while (performance.now() < until);
        return oracle.predict(x, t);
      },
    };
    // Another task source, like a page's input events: a message that re-posts itself until 30 ms have
    // passed, then aborts. (Under vitest's Node-compatible event loop, message tasks can hold off timers
    // for hundreds of milliseconds, so a timer would not measure the yielding.)
    const controller = new AbortController();
    const started = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (performance.now() - started < 30) return channel.port2.postMessage(null);
      channel.port1.close();
      controller.abort();
    };
    channel.port2.postMessage(null);
    const run = samplePanels({ schedule, denoiser: slow, settings: { ...settings, steps: [200] }, signal: controller.signal, sliceMs: 5 });
    await expect(run).rejects.toThrow(/abort/i);
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThan(50);
  });

  it("yields only once a slice has passed", async () => {
    let calls = 0;
    const inner: Denoiser = { parameterization: "eps", predict: (x) => (calls++, x) };
    const wrapped = yieldingDenoiser(inner, 60_000);
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    for (let i = 0; i < 50; i++) await wrapped.predict(new Float64Array(2), 0);
    // Within one slice, no macrotask ran (only microtasks).
    expect(ticked).toBe(false);
    expect(calls).toBe(50);
    expect(() => yieldingDenoiser(inner, -1)).toThrow(RangeError);
  });
});

describe("progress", () => {
  afterEach(() => vi.useRealTimers());

  it("shows the bar only after 300 ms, and counts runs", () => {
    vi.useFakeTimers();
    const progress = runProgress({ document });
    const bar = progress.element.querySelector("progress")!;
    progress.start("Sampling…");
    vi.advanceTimersByTime(299);
    expect(bar.hidden).toBe(true);
    vi.advanceTimersByTime(2);
    expect(bar.hidden).toBe(false);
    progress.update(30, 120);
    expect(bar.value / bar.max).toBeCloseTo(0.25, 12);
    progress.abandon();
    progress.finish("Done.");
    expect(bar.hidden).toBe(true);
    expect({ ...progress.element.dataset }).toEqual({ state: "done", runs: "1", abandoned: "1" });
    expect(progress.element.textContent).toBe("Done.");
    // A quick run never shows the bar.
    progress.start("again");
    progress.finish("quick");
    vi.advanceTimersByTime(1000);
    expect(bar.hidden).toBe(true);
  });
});

describe("frame scrubber", () => {
  it("clamps its value and describes the frame", () => {
    const describe = (f: number) => `t = ${(4 - f) * 250}`;
    const scrubber = frameScrubber({ frames: 5, describe, document });
    expect(scrubber.value).toBe(0);
    expect(scrubber.querySelector("output")!.textContent).toBe("t = 1000");
    const last = frameScrubber({ frames: 5, value: 9, describe, document });
    expect(last.value).toBe(4);
    expect(last.querySelector("output")!.textContent).toBe("t = 0");
    expect(last.querySelector("input")!.getAttribute("aria-valuetext")).toBe("t = 0");
    expect(last.querySelector("button")!.getAttribute("aria-pressed")).toBe("false");
    expect(() => frameScrubber({ frames: 0, document })).toThrow(/frames must be a positive integer/);
  });
});

describe("charts", () => {
  const quality: QualityData = {
    n: 512,
    seeds: [0, 1, 2],
    floor: { swd: { mean: 0.04, sd: 0.01 }, mmd: { mean: 0.001, sd: 0.0005 }, precision: { mean: 0.99, sd: 0.005 }, coverage: { mean: 0.69, sd: 0.01 } },
    rows: [
      ["ddpm", 1, 1.05, 0.25, 0.1, 0.09], ["ddpm", 10, 0.14, 0.012, 0.54, 0.29], ["ddpm", 100, 0.04, 0.001, 0.97, 0.68],
      ["ddim", 1, 1.05, 0.25, 0.1, 0.09], ["ddim", 10, 0.094, 0.0054, 0.61, 0.33], ["ddim", 100, 0.035, 0.0006, 0.96, 0.67],
    ].map(([sampler, steps, swd, mmd, precision, coverage]) => ({
      sampler: sampler as string,
      steps: steps as number,
      metrics: {
        swd: { mean: swd as number, sd: (swd as number) / 10 },
        mmd: { mean: mmd as number, sd: (mmd as number) / 10 },
        precision: { mean: precision as number, sd: 0.01 },
        coverage: { mean: coverage as number, sd: 0.01 },
      },
    })),
  };

  it("quality against steps, on a log axis for distances and a linear one for shares", () => {
    matchSnapshot("sampling-quality-swd.svg", qualityChart(quality, { metric: "swd", width: 480, height: 300, document }));
    matchSnapshot("sampling-quality-coverage.svg", qualityChart(quality, { metric: "coverage", width: 480, height: 300, document }));
    expect(() => qualityChart(quality, { metric: "fid" as never, document })).toThrow(/metric must be one of/);
  });

  it("the metrics table, with single values, mean ± sd and pending rows", () => {
    const table = metricsTable([
      { label: "10 steps", metrics: { swd: 0.15262, mmd: 0.013876, precision: 0.544921875, coverage: 0.302734375 } },
      { label: "50 steps" },
    ], quality.floor, { document });
    matchSnapshot("sampling-metrics-table.html", table);
    const cells = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(cells).toEqual([
      ["0.153", "0.0139", "0.545", "0.303"],
      ["…", "…", "…", "…"],
      ["0.04 ± 0.01", "0.001 ± 5×10⁻⁴", "0.99 ± 0.005", "0.69 ± 0.01"],
    ]);
  });

  // Points on a circle of radius 1 with positions k/7 along it; the paths come in from (2, 2).
  const circle = Float64Array.from({ length: 16 }, (_, j) => (j % 2 === 0 ? Math.cos : Math.sin)((Math.PI * Math.floor(j / 2)) / 4));
  const ends = Float64Array.from({ length: 8 }, (_, i) => i / 7);

  it("a trajectory frame with paths, clipping far points", () => {
    const far = Float64Array.from([...circle.slice(0, 14), 9, -9]);
    expect(countOutside(far)).toBe(1);
    const trails = [0, 4].map((i) => ({ end: ends[i], path: Float64Array.from([2, 2, circle[2 * i], circle[2 * i + 1]]) }));
    const frame = trajectoryFrame(far, { end: ends, background: circle, trails, size: 240, document });
    matchSnapshot("trajectories-frame.svg", frame);
    expect(() => trajectoryFrame(circle, { end: [0.5], document })).toThrow(/end must have one value per point \(8\)/);
    // Each path ends in a ring around its point.
    const rings = [...frame.querySelectorAll("circle")].filter((c) => c.getAttribute("r") === "4.5");
    expect(rings.map((c) => [c.getAttribute("cx"), c.getAttribute("cy"), c.parentElement!.getAttribute("stroke")])).toEqual(
      [0, 4].map((i) => [frame.querySelectorAll("circle")[8 + i].getAttribute("cx"), frame.querySelectorAll("circle")[8 + i].getAttribute("cy"), "currentColor"]),
    );
  });

  it("smooths a path over frames either side, keeping its two ends", () => {
    // x zigzags 0, 3, 0, 3, 0 while y climbs 0 … 4: the average over one frame either side flattens x.
    const path = Float64Array.from([0, 0, 3, 1, 0, 2, 3, 3, 0, 4]);
    expect(Array.from(smoothPath(path, 1))).toEqual([0, 0, 1, 1, 2, 2, 1, 3, 0, 4]);
    expect(Array.from(smoothPath(path, 0))).toEqual(Array.from(path));
    expect(() => smoothPath(path, 1.5)).toThrow(/radius must be an integer ≥ 0, got 1.5/);
  });

  it("the checkpoint grid, one cell per checkpoint and step count", () => {
    const cells = [0, 250].flatMap((checkpoint) =>
      [10, 1000].map((steps) => ({ checkpoint, steps, samples: circle.map((v) => v * (1 + checkpoint / 1000)), end: ends, swd: steps / 1e4 }))
    );
    matchSnapshot("trajectories-checkpoint-grid.svg", checkpointGrid(cells, { background: circle, width: 400, document }));
  });

  it("the distance to the data along a run", () => {
    // A 3-4-5 triangle: (3, 4) is 5 from the data point at the origin, (0, 0) is 0 from it.
    expect(meanNearestDistance([3, 4, 0, 0], [0, 0, 10, 10])).toBe(2.5);
    matchSnapshot("trajectories-distance.svg", distanceChart({ t: [1000, 500, 100, 0], xt: [1, 0.5, 0.2, 0.02], x0: [2, 0.1, 0.03, 0.02] }, { current: 500, width: 480, document }));
  });
});
