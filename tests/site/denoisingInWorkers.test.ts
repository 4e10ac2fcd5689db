/**
 * The Denoising page's work split across workers (src/components/denoisingInWorkers.ts), with stand-in
 * workers that answer in this thread: any number of workers gives the oracle's answer for all the points
 * to the bit, the network's share goes to the network, and a worker's failure reaches the caller.
 */
import { describe, expect, it } from "vitest";
import { makeDataset } from "../../src/core/datasets.js";
import { posteriorMean } from "../../src/core/oracle.js";
import { Rng } from "../../src/core/random.js";
import { denoisingInWorkers } from "../../src/components/denoisingInWorkers.js";
import type { DenoisingWorkerAnswer, DenoisingWorkerRequest } from "../../src/components/denoisingWorker.js";

/** Answers like denoisingWorker.ts, with a "network" that doubles its input; `fail` answers every job with an error. */
class StandInWorker {
  onmessage: ((event: MessageEvent<DenoisingWorkerAnswer>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  mean?: ReturnType<typeof posteriorMean>;
  sizes: number[] = [];
  constructor(private fail = false) {}
  postMessage(request: DenoisingWorkerRequest): void {
    if (request.type === "setup") {
      this.mean = posteriorMean(request.data);
      return;
    }
    this.sizes.push(request.x.length / 2);
    const answer: DenoisingWorkerAnswer = this.fail
      ? { id: request.id, error: "out of memory" }
      : { id: request.id, values: request.type === "network" ? request.x.map((v) => 2 * v) : this.mean!(request.x, request.a, request.s) };
    queueMicrotask(() => this.onmessage?.({ data: answer } as MessageEvent<DenoisingWorkerAnswer>));
  }
  terminate(): void {}
}

const data = makeDataset("spiral", { n: 64, seed: 0 });
const x = new Rng(3).normals(2 * 37); // 37 points: shares of 19 + 18, or 13 + 13 + 11
const setup = { data, weights: new Float32Array(0), parameterization: "eps" as const, dims: [2, 2] };

describe("denoisingInWorkers", () => {
  it("gives the oracle's answer for all the points, to the bit, however many workers share them", async () => {
    const whole = posteriorMean(data)(x, 0.8, 0.6);
    for (const count of [1, 2, 3]) {
      const made: StandInWorker[] = [];
      const workers = denoisingInWorkers(() => {
        made.push(new StandInWorker());
        return made.at(-1) as unknown as Worker;
      }, setup, count);
      expect([...await workers.oracleMean(x.slice(), 0.8, 0.6)]).toEqual([...whole]);
      expect(made.map((worker) => worker.sizes[0]).reduce((a, b) => a + b)).toBe(37);
    }
  });

  it("sends the network's jobs to the network, in order", async () => {
    const workers = denoisingInWorkers(() => new StandInWorker() as unknown as Worker, setup, 2);
    expect([...await workers.network(x.slice(), 10)]).toEqual([...x.map((v) => 2 * v)]);
  });

  it("passes a worker's failure on, and refuses odd-length points", async () => {
    const workers = denoisingInWorkers(() => new StandInWorker(true) as unknown as Worker, setup, 2);
    await expect(workers.network(x.slice(), 10)).rejects.toThrow("the denoising worker failed: out of memory");
    await expect(workers.oracleMean(x.subarray(1).slice(), 1, 1)).rejects.toThrow(/even length/);
    expect(() => denoisingInWorkers(() => new StandInWorker() as unknown as Worker, setup, 0)).toThrow(/positive integer/);
  });
});
