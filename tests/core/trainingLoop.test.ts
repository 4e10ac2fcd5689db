import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { initMlpParams, mlpForward } from "../../src/core/mlp.js";
import { Rng } from "../../src/core/random.js";
import { parseTrainConfig, type TrainConfig } from "../../src/core/training/config.js";
import type { TrainBatch, TrainEngine } from "../../src/core/training/engine.js";
import { MAX_HISTORY_ENTRIES } from "../../src/core/training/lossLog.js";
import { type CheckpointEvent, initialParams, type ProgressEvent, train } from "../../src/core/training/train.js";
import { divergence, FakeEngine, PLAIN, smallConfig } from "../support/fakeEngine.js";

async function collect(config: TrainConfig, engine: TrainEngine, options: Parameters<typeof train>[2] = {}) {
  const checkpoints: CheckpointEvent[] = [];
  const result = await train(config, engine, {
    evalPoints: 4,
    ...options,
    onCheckpoint: (event) => {
      checkpoints.push(event);
    },
  });
  return { result, checkpoints };
}

/** ᾱ at schedule index t of a linear schedule, from scratch: ∏_{s ≤ t} (1 − β_s). */
function alphaBarLinear(t: number, T: number, betaStart: number, betaEnd: number): number {
  let product = 1;
  for (let s = 0; s <= t; s++) product *= 1 - (betaStart + ((betaEnd - betaStart) * s) / (T - 1));
  return product;
}

describe("batches", () => {
  it("are the same for every engine, sync or async, and change with training.seed", async () => {
    const config = smallConfig({ steps: 5 });
    const a = new FakeEngine("a", initialParams(config));
    const b = new FakeEngine("b", initialParams(config), { async: true, loss: (s) => 1 / s });
    await collect(config, a);
    await collect(config, b);
    expect(a.batches).toHaveLength(5);
    expect(b.batches).toEqual(a.batches);
    expect(a.batches[1].t).not.toEqual(a.batches[0].t); // a stream, not one batch repeated

    const other = smallConfig({ steps: 5, seed: 1 });
    const c = new FakeEngine("c", initialParams(other));
    await collect(other, c);
    expect(c.batches[0].t).not.toEqual(a.batches[0].t);
  });

  it.each(["eps", "x0", "v"] as const)("follow Algorithm 1 point by point (%s)", async (parameterization) => {
    const config = smallConfig({ steps: 1, batch: 16, seed: 9 }, {
      model: { hidden: [4], parameterization },
      dataset: { name: "moons", n: 50, seed: 4 },
    });
    const engine = new FakeEngine("fake", initialParams(config));
    await collect(config, engine);
    const [batch] = engine.batches;

    // Redraw the batch by hand: for each point a data index, t, then ε's two normals.
    const data = makeDataset("moons", { n: 50, seed: 4 });
    const rng = new Rng(9);
    for (let i = 0; i < 16; i++) {
      const j = rng.int(50);
      const t = rng.int(1000);
      const eps = [rng.normal(), rng.normal()];
      expect(batch.t[i]).toBe(t);
      const alphaBar = alphaBarLinear(t, 1000, 1e-4, 0.02);
      const a = Math.sqrt(alphaBar);
      const s = Math.sqrt(1 - alphaBar);
      for (let d = 0; d < 2; d++) {
        const x0 = data[2 * j + d];
        expect(batch.xt[2 * i + d]).toBeCloseTo(a * x0 + s * eps[d], 6);
        const target = parameterization === "eps" ? eps[d] : parameterization === "x0" ? x0 : a * eps[d] - s * x0;
        expect(batch.target[2 * i + d]).toBeCloseTo(target, 6);
      }
    }
  });

  it("get the learning rate of the schedule: warm-up, then cosine", async () => {
    const config = smallConfig({ steps: 30, lr: 0.02, warmup: 10, lrSchedule: "cosine" });
    const engine = new FakeEngine("fake", initialParams(config));
    await collect(config, engine);
    expect(engine.lrs).toHaveLength(30);
    expect(engine.lrs[0]).toBeCloseTo(0.002, 15);
    expect(engine.lrs[9]).toBeCloseTo(0.02, 15);
    expect(engine.lrs[10]).toBeCloseTo(0.02, 15);
    expect(engine.lrs[20]).toBeCloseTo(0.01, 15); // halfway through n = 20 cosine updates
    expect(engine.lrs[29]).toBeCloseTo(0.02 * Math.sin(Math.PI / 40) ** 2, 15);
  });
});

describe("checkpoints and loss history", () => {
  it("checkpoints the initial and the listed steps; logs windowed means", async () => {
    const config = smallConfig({ steps: 10, checkpoints: [0, 5], logEvery: 3 });
    const engine = new FakeEngine("fake", initialParams(config), { loss: (s) => s, drift: 0.25 });
    const { result, checkpoints } = await collect(config, engine);
    expect(checkpoints.map((c) => c.step)).toEqual([0, 5, 10]);
    expect(result).toMatchObject({ step: 10, steps: 10, aborted: false, checkpoints: [0, 5, 10] });
    expect(checkpoints[0].params).toEqual(initialParams(config));
    expect(checkpoints[1].params).toEqual(engine.history[5]);
    expect(result.params).toEqual(engine.history[10]);
    // Means of the losses 1…10 over (0, 3], (3, 6], (6, 9], (9, 10].
    expect(result.lossHistory).toEqual({ steps: [3, 6, 9, 10], loss: [2, 5, 8, 10] });
    expect(checkpoints[1].lossHistory).toEqual({ steps: [3], loss: [2] });
    expect(checkpoints[0].lossHistory).toEqual({ steps: [], loss: [] });
  });

  it("keeps the history bounded over long runs, each entry the exact mean of its window", async () => {
    const config = parseTrainConfig({
      model: { hidden: [1] },
      schedule: { T: 10 },
      dataset: { n: 16 },
      training: { ...PLAIN, steps: 10000, batch: 1, logEvery: 1, checkpoints: [] },
    });
    // Losses s / 10⁴ rise through the run but stay below the zero output's (1): no divergence.
    const { result } = await collect(config, new FakeEngine("fake", initialParams(config), { loss: (s) => s / 1e4 }), {
      evalPoints: 1,
    });
    const { steps, loss } = result.lossHistory;
    expect(steps.length).toBeLessThanOrEqual(MAX_HISTORY_ENTRIES);
    expect(steps.length).toBeGreaterThan(1000);
    expect(steps[steps.length - 1]).toBe(10000);
    let previous = 0;
    steps.forEach((step, i) => {
      expect(step).toBeGreaterThan(previous);
      // The mean of (previous+1 … step) / 10⁴.
      expect(loss[i]).toBeCloseTo((previous + 1 + step) / 2 / 1e4, 12);
      previous = step;
    });
  });

  it("stores the EMA weights when training.ema > 0", async () => {
    const config = smallConfig({ steps: 20, ema: 0.9, checkpoints: [0, 20] });
    const start = initialParams(config);
    const { checkpoints } = await collect(config, new FakeEngine("fake", start, { drift: 1 }));
    // Every weight moves by +1 per update, so the average trails by a scalar: e_s = d_s e_{s−1} + (1 − d_s) s,
    // with the warmed-up decay d_s = min(0.9, (1 + s) / (10 + s)).
    let e = 0;
    for (let s = 1; s <= 20; s++) {
      const d = Math.min(0.9, (1 + s) / (10 + s));
      e = d * e + (1 - d) * s;
    }
    expect(e).toBeGreaterThan(5);
    expect(e).toBeLessThan(19);
    const saved = checkpoints[1].params;
    for (const i of [0, 100, start.length - 1]) expect(saved[i]).toBeCloseTo(start[i] + e, 4);
    expect(checkpoints[0].params).toEqual(start);
  });

  it("refuses an engine that does not start from the config's initial weights", async () => {
    const config = smallConfig({ steps: 3 });
    const engine = new FakeEngine("seeded-1", initMlpParams(1, [34, 4, 2]));
    await expect(train(config, engine)).rejects.toThrow(/engine seeded-1 does not start from initialParams\(config\)/);
    expect(engine.calls).toBe(0);
  });
});

describe("lossByTimestep", () => {
  it("has min(10, T) equal-width buckets, finite, averaging to loss", async () => {
    const buckets = async (T: number) => {
      const config = smallConfig({ steps: 1, checkpoints: [0] }, { schedule: { T } });
      const { checkpoints } = await collect(config, new FakeEngine("fake", initialParams(config)));
      return checkpoints[0];
    };
    const thousand = await buckets(1000);
    expect(thousand.lossByTimestep.map((b) => [b.from, b.to])).toEqual(
      Array.from({ length: 10 }, (_, b) => [100 * b, 100 * (b + 1)]),
    );
    for (const b of thousand.lossByTimestep) expect(Number.isFinite(b.loss) && b.loss > 0).toBe(true);
    const mean = thousand.lossByTimestep.reduce((sum, b) => sum + b.loss, 0) / 10;
    expect(thousand.loss).toBeCloseTo(mean, 12);
    // T = 25: edges ⌊25b/10⌋.
    expect((await buckets(25)).lossByTimestep.map((b) => b.from)).toEqual([0, 2, 5, 7, 10, 12, 15, 17, 20, 22]);
    expect((await buckets(3)).lossByTimestep.map((b) => [b.from, b.to])).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it("is the same for any engine and any training seed", async () => {
    const run = async (seed: number, name: string) => {
      const config = smallConfig({ steps: 2, seed, checkpoints: [0] });
      const start = initialParams(smallConfig());
      const { checkpoints } = await collect(config, new FakeEngine(name, start, { loss: () => seed }), {
        startParams: start,
      });
      return checkpoints[0].lossByTimestep;
    };
    const reference = await run(0, "a");
    expect(await run(0, "b")).toEqual(reference);
    expect(await run(5, "c")).toEqual(reference);
  });

  it("matches closed forms for the zero network (output 0: the loss is E[target²])", async () => {
    const zeroLoss = async (parameterization: string) => {
      const config = smallConfig({ steps: 1, checkpoints: [0] }, { model: { hidden: [4], parameterization } });
      const zero = new Float32Array(initialParams(config).length);
      const { checkpoints } = await collect(config, new FakeEngine("zero", zero), {
        startParams: zero,
        evalPoints: 2048,
      });
      return checkpoints[0].lossByTimestep;
    };
    // E‖x_0‖²/2 of the spiral from an independent large draw.
    const spiral = makeDataset("spiral", { n: 50000, seed: 123 });
    const m2 = spiral.reduce((sum, v) => sum + v * v, 0) / spiral.length;

    // ε: E[ε²] = 1 in every bucket (4096 squared normals: std 0.022).
    for (const b of await zeroLoss("eps")) expect(Math.abs(b.loss - 1)).toBeLessThan(0.1);
    // x_0: the same held-out points in every bucket, so every bucket has exactly the same loss.
    const x0 = await zeroLoss("x0");
    for (const b of x0) expect(b.loss).toBe(x0[0].loss);
    expect(Math.abs(x0[0].loss - m2) / m2).toBeLessThan(0.06);
    // v = √ᾱ ε − √(1−ᾱ) x_0: E[v²] = ᾱ + (1 − ᾱ) m2 (ε independent of x_0), ᾱ averaged over the bucket.
    for (const b of await zeroLoss("v")) {
      let alphaBar = 0;
      for (let t = b.from; t < b.to; t++) alphaBar += alphaBarLinear(t, 1000, 1e-4, 0.02) / (b.to - b.from);
      expect(Math.abs(b.loss - (alphaBar + (1 - alphaBar) * m2))).toBeLessThan(0.1);
    }
  });
});

describe("divergence", () => {
  it("stops at the first NaN loss, naming the step; earlier checkpoints stand", async () => {
    const config = smallConfig({ steps: 10, checkpoints: [0, 5], logEvery: 1 });
    const engine = new FakeEngine("fake", initialParams(config), { loss: (s) => (s === 7 ? NaN : 1), drift: 0.5 });
    const seen: number[] = [];
    const error = await divergence(
      train(config, engine, { evalPoints: 4, onCheckpoint: (c) => void seen.push(c.step) }),
    );
    expect(error.message).toBe("training diverged at step 7: loss is NaN (last good checkpoint: step 5)");
    expect(error.step).toBe(7);
    expect(error.lastCheckpoint).toBe(5);
    expect(engine.calls).toBe(7);
    expect(seen).toEqual([0, 5]);
    expect(error.lossHistory.steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([Infinity, -Infinity])("stops at an infinite loss (%s)", async (bad) => {
    const config = smallConfig({ steps: 10, checkpoints: [0] });
    const engine = new FakeEngine("fake", initialParams(config), { loss: (s) => (s === 3 ? bad : 1) });
    const error = await divergence(collect(config, engine));
    expect(error.message).toBe(`training diverged at step 3: loss is ${bad} (last good checkpoint: step 0)`);
  });

  it("never checkpoints weights that evaluate to NaN", async () => {
    const config = smallConfig({ steps: 10, checkpoints: [0, 5] });
    const engine = new FakeEngine("fake", initialParams(config), {
      during: (s) => s === 4 && engine.setParams(new Float32Array(engine.params().length).fill(NaN)),
    });
    const seen: number[] = [];
    const error = await divergence(
      train(config, engine, { evalPoints: 4, onCheckpoint: (c) => void seen.push(c.step) }),
    );
    expect(error.message).toBe("training diverged at step 5: loss is NaN (last good checkpoint: step 0)");
    expect(seen).toEqual([0]);
  });

  // ε targets are standard normal: a zero output scores ≈ 1, so the limit is ≈ 10 (evalPoints 2048 pins it).
  it("stops once the loss stays above 10 × a zero output's for 50 of the last 100 steps, saving no later checkpoint", async () => {
    const config = smallConfig({ steps: 300, checkpoints: [0, 20, 100], logEvery: 10 });
    const engine = new FakeEngine("fake", initialParams(config), { loss: (s) => (s > 30 ? 7093 : 0.5) });
    const seen: number[] = [];
    const error = await divergence(
      train(config, engine, { evalPoints: 2048, onCheckpoint: (c) => void seen.push(c.step) }),
    );
    expect(error.step).toBe(80);
    expect(error.message).toMatch(
      /^training diverged at step 80: the loss exceeded 10 × that of a zero output \(1\.0\d\) on 50 of the last 100 steps \(last good checkpoint: step 20\)$/,
    );
    expect(seen).toEqual([0, 20]);
    expect(error.lossHistory.steps.at(-1)).toBe(80);
  });

  it("lets lone spikes and a loss just under the limit pass", async () => {
    const config = smallConfig({ steps: 1000, checkpoints: [] });
    // A spike of 10⁶ on 49 of every 100 steps, and 9 (under 10 × ≈ 1) on the rest.
    const engine = new FakeEngine("fake", initialParams(config), { loss: (s) => (s % 100 < 49 ? 1e6 : 9) });
    const { result } = await collect(config, engine, { evalPoints: 2048 });
    expect(result).toMatchObject({ step: 1000, aborted: false });
  });
});

describe("abort", () => {
  it("stops after the step in flight and checkpoints the last finished step", async () => {
    const config = smallConfig({ steps: 10, checkpoints: [0, 10], logEvery: 3 });
    const controller = new AbortController();
    const engine = new FakeEngine("fake", initialParams(config), {
      during: (s) => s === 4 && controller.abort(),
      drift: 1,
      loss: (s) => s,
    });
    const { result, checkpoints } = await collect(config, engine, { signal: controller.signal });
    expect(engine.calls).toBe(4);
    expect(result).toMatchObject({ step: 4, steps: 10, aborted: true, checkpoints: [0, 4] });
    expect(checkpoints[1].params).toEqual(engine.history[4]);
    expect(result.lossHistory).toEqual({ steps: [3, 4], loss: [2, 4] });
  });

  it("takes no step when aborted before it starts", async () => {
    const config = smallConfig({ steps: 10, checkpoints: [0] });
    const engine = new FakeEngine("fake", initialParams(config));
    const { result, checkpoints } = await collect(config, engine, { signal: AbortSignal.abort() });
    expect(engine.calls).toBe(0);
    expect(result).toMatchObject({ step: 0, aborted: true, checkpoints: [0] });
    expect(checkpoints).toHaveLength(1);
  });

  it("lets a timer abort a synchronous engine (the loop yields to the event loop)", async () => {
    const config = parseTrainConfig({
      model: { hidden: [1] },
      training: { ...PLAIN, steps: 1_000_000, batch: 1, checkpoints: [] },
    });
    const engine = new FakeEngine("busy", initialParams(config), { busyMs: 0.5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const { result } = await collect(config, engine, { signal: controller.signal, evalPoints: 1 });
    expect(result.aborted).toBe(true);
    expect(result.step).toBe(engine.calls);
    expect(result.step).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("reports progress at most every ~100 ms, and the last step", async () => {
    const config = parseTrainConfig({ model: { hidden: [1] }, training: { ...PLAIN, steps: 400, batch: 1, checkpoints: [] } });
    const events: [number, ProgressEvent][] = [];
    const started = performance.now();
    await collect(config, new FakeEngine("busy", initialParams(config), { busyMs: 1 }), {
      evalPoints: 1,
      onProgress: (event) => events.push([performance.now(), event]),
    });
    const elapsed = performance.now() - started;
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.length).toBeLessThanOrEqual(elapsed / 100 + 2);
    for (let i = 1; i + 1 < events.length; i++) expect(events[i][0] - events[i - 1][0]).toBeGreaterThanOrEqual(95);
    const [, last] = events[events.length - 1];
    expect(last).toMatchObject({ step: 400, steps: 400, etaSeconds: 0, loss: 1 });
    expect(last.stepsPerSecond).toBeGreaterThan(0);
    expect(last.stepsPerSecond).toBeLessThan(1000); // 1 ms of work per step
  });
});

describe("a real optimizer", () => {
  /** Adam on central-difference gradients of the float64 reference network: slow, so only for a tiny net. */
  class FiniteDifferenceAdam implements TrainEngine {
    readonly name = "finite-difference-adam";
    #m: Float64Array;
    #v: Float64Array;
    #k = 0;
    constructor(readonly dims: number[], private p: Float32Array) {
      this.#m = new Float64Array(p.length);
      this.#v = new Float64Array(p.length);
    }
    #loss(params: Float32Array, xt: Float64Array, t: Int32Array, target: Float32Array): number {
      const out = mlpForward(params, xt, t, this.dims);
      let sum = 0;
      for (let i = 0; i < out.length; i++) sum += (out[i] - target[i]) ** 2;
      return sum / out.length;
    }
    step({ xt, t, target }: TrainBatch, lr: number): number {
      const x = Float64Array.from(xt);
      const loss = this.#loss(this.p, x, t, target);
      const h = 1e-3;
      const probe = this.p.slice();
      const grad = new Float64Array(this.p.length);
      for (let i = 0; i < probe.length; i++) {
        probe[i] = this.p[i] + h;
        const up = this.#loss(probe, x, t, target);
        probe[i] = this.p[i] - h;
        const down = this.#loss(probe, x, t, target);
        probe[i] = this.p[i];
        grad[i] = (up - down) / (2 * h);
      }
      this.#k++;
      for (let i = 0; i < grad.length; i++) {
        this.#m[i] = 0.9 * this.#m[i] + 0.1 * grad[i];
        this.#v[i] = 0.999 * this.#v[i] + 0.001 * grad[i] ** 2;
        const mHat = this.#m[i] / (1 - 0.9 ** this.#k);
        const vHat = this.#v[i] / (1 - 0.999 ** this.#k);
        this.p[i] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      return loss;
    }
    params(): Float32Array {
      return this.p.slice();
    }
    dispose(): void {}
  }

  it("lowers the evaluation loss of an x0-model", async () => {
    const config = parseTrainConfig({
      model: { hidden: [4], parameterization: "x0" },
      training: { ...PLAIN, steps: 60, batch: 16, lr: 0.03, checkpoints: [0] },
    });
    const engine = new FiniteDifferenceAdam([34, 4, 2], initialParams(config));
    const { result, checkpoints } = await collect(config, engine, { evalPoints: 64 });
    const [first, last] = [checkpoints[0].loss, checkpoints[1].loss];
    expect(last).toBeLessThan(0.8 * first);
    const { loss } = result.lossHistory;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
  });
});
