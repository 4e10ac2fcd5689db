/**
 * The Trajectories page's run of the model trained on the Train page (src/components/sessionTrajectory.ts,
 * sessionRunInWorker.ts): a DDPM model walks DDIM over at most its T, a flow model Euler from t = 1 to 0;
 * the frames are laid out as the precomputed runs' (the samples last, as their own x̂_0), the colours
 * follow the data's curve where it is one; the page's link asks for the run only where the tab has a model.
 */
import { describe, expect, it } from "vitest";
import { endValues, sessionModelRun, type SessionRun } from "../../src/components/sessionTrajectory.js";
import { type SessionRunAnswer, sessionRunInWorker } from "../../src/components/sessionRunInWorker.js";
import { sessionRunSteps } from "../../src/components/sessionRunSteps.js";
import { readTrajectoriesState, SESSION_RUN } from "../../src/components/pageUrlFields.js";
import { makeDataset } from "../../src/core/datasets.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { modelDims, parseTrainConfig } from "../../src/core/training/config.js";

const data = makeDataset("spiral", { n: 256, seed: 0 });
const n = 32;

function request(config: Record<string, unknown>) {
  const parsed = parseTrainConfig(config);
  return { params: initMlpParams(5, modelDims(parsed.model)), config: parsed, data, n, seed: 0 };
}

/** Frame f of a run's frames × 2n array. */
const frame = (frames: Float64Array, f: number) => frames.subarray(2 * n * f, 2 * n * (f + 1));

describe("the session model's trajectory run", () => {
  it("takes DDIM over at most T steps for DDPM, every step a frame and the samples last", async () => {
    const run = await sessionModelRun(request({ model: { hidden: [16, 16] }, schedule: { T: 40 } }));
    expect(run).toMatchObject({ objective: "ddpm", sampler: "ddim", steps: 40, endBy: "curve" });
    expect(run.frames.map((f) => f.t)).toEqual([...Array.from({ length: 40 }, (_, k) => 40 - k), 0]);
    expect(run.xt.length).toBe(41 * 2 * n);
    expect(run.x0.length).toBe(41 * 2 * n);
    expect([...frame(run.x0, 40)]).toEqual([...frame(run.xt, 40)]);
    expect(run.end.length).toBe(n);
    expect([...run.end].every((e) => e >= 0 && e <= 1)).toBe(true);
    // The samples are the last frame of both x_t and x̂_0, so their distances to the data agree there.
    expect(run.distances.xt).toHaveLength(41);
    expect(run.distances.x0.at(-1)).toBe(run.distances.xt.at(-1));
  });

  it("takes Euler from t = 1 to 0 for a flow model", async () => {
    const run = await sessionModelRun(request({ model: { hidden: [16, 16], objective: "flow-matching" } }));
    expect(run).toMatchObject({ objective: "flow-matching", sampler: "euler", steps: 100 });
    expect(run.frames[0]).toEqual({ k: 0, t: 1 });
    expect(run.frames[99].t).toBeCloseTo(0.01, 12);
    expect(run.frames[100]).toEqual({ k: 100, t: 0 });
  });

  it("takes the page's step count: 100, or a DDPM model's T when smaller", () => {
    expect(sessionRunSteps("ddpm", 1000)).toBe(100);
    expect(sessionRunSteps("ddpm", 40)).toBe(40);
    expect(sessionRunSteps("flow-matching", 1)).toBe(100);
  });

  it("colours points along the data's curve, or by angle around its centre where the data is no curve", () => {
    // Two far-apart clusters: their neighbour graph falls apart, so angles: (1, 0) is 1/2, (−1, 0) 0 or 1, (0, 1) 3/4.
    const clusters = Float64Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? (i < 40 ? -50 : 50) + (i % 7) * 0.01 : (i % 5) * 0.01));
    const { end, endBy } = endValues(Float64Array.from([1, 0, 0, 1]), clusters);
    expect(endBy).toBe("angle");
    expect(end[0]).toBeCloseTo(0.5, 2);
    expect(end[1]).toBeCloseTo(0.75, 2);
    // Along the spiral, the training points themselves go from the centre (0) to the tip (1).
    const along = endValues(data, data);
    expect(along.endBy).toBe("curve");
    expect(Math.min(...along.end)).toBe(0);
    expect(Math.max(...along.end)).toBe(1);
  });

  it("gets the run from a worker, passes its failure on, and stops it either way", async () => {
    const run = { steps: 1 } as SessionRun;
    const stopped: boolean[] = [];
    const worker = (answer: SessionRunAnswer) => () => {
      const stand = {
        onmessage: null as ((event: MessageEvent<SessionRunAnswer>) => void) | null,
        onerror: null,
        postMessage: () => queueMicrotask(() => stand.onmessage?.({ data: answer } as MessageEvent<SessionRunAnswer>)),
        terminate: () => stopped.push(true),
      };
      return stand as unknown as Worker;
    };
    await expect(sessionRunInWorker(worker({ run }), request({}))).resolves.toBe(run);
    await expect(sessionRunInWorker(worker({ error: "no memory" }), request({}))).rejects.toThrow("sampling your model's paths failed: no memory");
    expect(stopped).toEqual([true, true]);
  });

  it("is asked for by a link only where the tab has a session model", () => {
    const runs = [{ id: "ddpm-1000", frames: 101 }, { id: "dpm-10", frames: 11 }];
    expect(readTrajectoriesState(runs, "?run=session").problems).toEqual([
      "URL parameter run=session: is the model trained on the Train page in this browser tab, and this tab has none; using the default, ddpm-1000.",
    ]);
    const withSession = readTrajectoriesState([...runs, { id: SESSION_RUN, frames: 41 }], "?run=session&frame=60");
    expect(withSession.values).toMatchObject({ run: SESSION_RUN, frame: 40 });
  });
});
