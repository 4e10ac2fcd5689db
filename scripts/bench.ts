/**
 * `npm run bench`: prints a table of timings. Benchmarks live here, never in timed tests.
 *
 * Sections: oracle-denoiser sampling against the 2048-point spiral, and the samplers' own cost per step
 * (with a denoiser that costs nothing, so only the sampler's arithmetic and the driver remain).
 */
import { makeDataset } from "../src/core/datasets.js";
import type { Denoiser } from "../src/core/denoiser.js";
import { oracleDenoiser } from "../src/core/oracle.js";
import { sample } from "../src/core/sample.js";
import { SAMPLER_NAMES, type SamplerName } from "../src/core/samplers/index.js";
import { makeSchedule } from "../src/core/schedule.js";

interface Row {
  what: string;
  ms: number;
  note?: string;
}

async function timeIt(run: () => Promise<unknown>, repeats: number): Promise<number> {
  await run(); // warm-up: JIT and caches
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const schedule = makeSchedule();
const spiral = makeDataset("spiral");
const rows: Row[] = [];

// 1. Oracle sampling: 512 points × 1000 DDPM steps, each step a posterior over 2048 data points.
const oracle = oracleDenoiser(schedule, spiral);
const oracleMs = await timeIt(() => sample({ schedule, denoiser: oracle, sampler: "ddpm", steps: 1000, n: 512, seed: 0 }), 2);
rows.push({ what: "oracle sampling, DDPM, 512 × 1000 steps", ms: oracleMs, note: `${(oracleMs / 1000).toFixed(2)} ms/step` });

// 2. Sampler overhead: a denoiser that returns a preallocated zero output costs ~nothing.
const free: Denoiser = { parameterization: "eps", predict: (x) => new Float64Array(x.length) };
for (const sampler of SAMPLER_NAMES as readonly SamplerName[]) {
  const ms = await timeIt(() => sample({ schedule, denoiser: free, sampler, steps: 1000, n: 512, seed: 0 }), 3);
  rows.push({ what: `${sampler} overhead, 512 × 1000 steps`, ms, note: `${((ms / 1000) * 1000).toFixed(1)} µs/step` });
}

const width = Math.max(...rows.map((r) => r.what.length));
console.log(`${"benchmark".padEnd(width)}  ${"ms".padStart(9)}  note`);
for (const row of rows) console.log(`${row.what.padEnd(width)}  ${row.ms.toFixed(1).padStart(9)}  ${row.note ?? ""}`);
