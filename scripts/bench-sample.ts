/**
 * Sampling speed of each inference engine: 512 points × 1000 DDPM steps and 512 × 50, with the default
 * run's trained weights and schedule (linear, T = 1000), beside the float32 numpy reference
 * (../shared/bench/numpy_sample.py) timed in the same run, before and after the engines; ratios use
 * numpy's faster time. Each engine first samples a few steps untimed (JIT, wasm start), then takes the
 * best of three.
 *
 *   deno run -A scripts/bench-sample.ts [ortThreads] [ort-only]
 *
 * ortThreads sets onnxruntime's wasm threads (default: the engine's, 2 on two cores or more). It is one
 * setting per process, hence an argument rather than two rows; `ort-only` times onnxruntime alone (with
 * numpy), for a second run at another thread count.
 */

import { fileURLToPath } from "node:url";
import { createWasmDenoiser } from "../src/engines/fused/wasmDenoiser.js";
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
const ortOnly = process.argv[3] === "ort-only";

interface Engine {
  name: string;
  make: () => Promise<Denoiser & { dispose?: () => unknown }>;
  /** Step counts to time (the float64 reference is too slow for the long run). */
  steps: number[];
}

const fused = (threads: 1 | 2): Engine => ({
  name: `fused wasm SIMD, ${threads} thread${threads > 1 ? "s" : ""}`,
  make: async () => {
    const denoiser = await createWasmDenoiser(params, { parameterization: "eps", threads });
    return Object.assign(denoiser, { name: `${denoiser.name} (fused wasm SIMD, ${threads} thread${threads > 1 ? "s" : ""})` });
  },
  steps: STEPS,
});

const engines: Engine[] = [
  fused(1),
  fused(2),
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
  let best = Infinity;
  for (let repeat = 0; repeat < 3; repeat++) {
    const start = performance.now();
    await sample({ schedule, denoiser, sampler: "ddpm", steps, n: N, seed: 1 });
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const NUMPY = fileURLToPath(new URL("../../shared/bench/numpy_sample.py", import.meta.url));

/** numpy's float32 time for N × steps, best of its own repeats (it prints one time in ms). */
async function numpyMs(steps: number): Promise<number> {
  const { stdout, success } = await new Deno.Command("python3", { args: [NUMPY, String(N), String(steps)] }).output();
  const text = new TextDecoder().decode(stdout);
  const match = /:\s*([\d.]+) ms/.exec(text);
  if (!success || !match) throw new Error(`numpy reference ${NUMPY} failed: ${text}`);
  return Number(match[1]);
}

if (ortOnly) engines.splice(0, engines.length, ...engines.filter((engine) => engine.name.startsWith("onnxruntime")));
const numpyBefore: number[] = [];
for (const steps of STEPS) numpyBefore.push(await numpyMs(steps));
const rows: { name: string; ms: (number | undefined)[] }[] = [];
for (const engine of engines) {
  const denoiser = await engine.make();
  await time(denoiser, 5);
  const name = (denoiser as { name?: string }).name ?? engine.name;
  const ms: (number | undefined)[] = [];
  for (const steps of STEPS) ms.push(engine.steps.includes(steps) ? await time(denoiser, steps) : undefined);
  await denoiser.dispose?.();
  rows.push({ name, ms });
  console.error(`${name}: ${ms.map((v) => v?.toFixed(0) ?? "—").join(" / ")} ms`);
}
const numpyAfter: number[] = [];
for (const steps of STEPS) numpyAfter.push(await numpyMs(steps));
const numpy = STEPS.map((_, i) => Math.min(numpyBefore[i], numpyAfter[i]));

const header = ["engine", ...STEPS.flatMap((steps) => [`${N}×${steps} ms`, "× numpy"])];
const body = [
  ["numpy float32 (reference, same run)", ...numpy.flatMap((ms) => [ms.toFixed(0), "1.00"])],
  ...rows.map(({ name, ms }) => [name, ...ms.flatMap((v, i) => (v === undefined ? ["—", "—"] : [v.toFixed(0), (v / numpy[i]).toFixed(2)]))]),
];
const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n"));
