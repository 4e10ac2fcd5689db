/**
 * Sampling speed of each inference engine: 512 points × 1000 DDPM steps and 512 × 50, with the default
 * run's trained weights and schedule (linear, T = 1000). Each engine first samples a few steps untimed (JIT, wasm start).
 *
 *   deno run -A scripts/bench-sample.ts [ortThreads]
 *
 * ortThreads sets onnxruntime's wasm threads (default: the engine's, 2 on two cores or more). It is one
 * setting per process, hence an argument rather than two rows.
 */

import { createOrtDenoiser } from "../src/engines/onnx/ortDenoiser.js";
import { createReferenceDenoiser } from "../src/engines/reference/referenceDenoiser.js";
import { createTfjsDenoiser } from "../src/engines/tfjs/tfjsDenoiser.js";
import type { Denoiser } from "../src/core/denoiser.js";
import { mlpDenoiser } from "../src/core/mlp.js";
import { exportOnnx } from "../src/core/onnx/export.js";
import { sample } from "../src/core/sample.js";
import { defaultRun } from "../src/io/defaultRun.js";
import { readCheckpoint } from "../src/io/models.js";

const N = 512;
const STEPS = [1000, 50];
const { schedule, params } = await readCheckpoint((await defaultRun()).dir);
const ortThreads = process.argv[2] === undefined ? undefined : Number(process.argv[2]);

interface Engine {
  name: string;
  make: () => Promise<Denoiser & { dispose?: () => unknown }>;
  /** Step counts to time (the float64 reference is too slow for the long run). */
  steps: number[];
}

const engines: Engine[] = [
  {
    name: "onnxruntime-web wasm",
    make: async () => {
      const denoiser = await createOrtDenoiser(exportOnnx({ params, parameterization: "eps", schedule }), { numThreads: ortThreads });
      return { ...denoiser, name: `onnxruntime-web wasm (${denoiser.numThreads} thread${denoiser.numThreads > 1 ? "s" : ""})` };
    },
    steps: STEPS,
  },
  {
    name: "plain TypeScript (BatchedMlp)",
    make: () => Promise.resolve(createReferenceDenoiser(params, { parameterization: "eps" })),
    steps: STEPS,
  },
  {
    name: "tfjs",
    make: async () => {
      const denoiser = await createTfjsDenoiser(params, { parameterization: "eps" });
      return { ...denoiser, name: `tfjs ${denoiser.backend.detail}` };
    },
    steps: STEPS,
  },
  { name: "mlpForward (float64 reference)", make: () => Promise.resolve(mlpDenoiser(params, "eps")), steps: [50] },
];

async function time(denoiser: Denoiser, steps: number): Promise<number> {
  const start = performance.now();
  await sample({ schedule, denoiser, sampler: "ddpm", steps, n: N, seed: 1 });
  return performance.now() - start;
}

const rows: string[][] = [];
for (const engine of engines) {
  const denoiser = await engine.make();
  await time(denoiser, 5);
  const name = (denoiser as { name?: string }).name ?? engine.name;
  const cells = [];
  for (const steps of STEPS) cells.push(engine.steps.includes(steps) ? (await time(denoiser, steps)).toFixed(0) : "—");
  await denoiser.dispose?.();
  rows.push([name, ...cells]);
  console.error(`${name}: ${cells.join(" / ")} ms`);
}

const header = ["engine", ...STEPS.map((steps) => `${N}×${steps} ms`)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
