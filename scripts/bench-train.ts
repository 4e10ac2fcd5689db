/**
 * Times one training step (batch 256 by default) of every engine variant and compares it with the
 * numpy/OpenBLAS reference measured in the same run (../shared/bench/numpy_mlp_step.py, before and
 * after the engines; the ratios use the faster of the two, numpy's best case, since other work on the
 * machine slows numpy's two BLAS threads far more than one thread of ours).
 *
 *   deno run -A scripts/bench-train.ts [--batch 256] [--seconds 1.5] [--only wasm] [--webgpu] [--numpy PATH]
 *
 * Every engine steps through the same 32 pre-drawn batches of the 2048-point spiral (core/training
 * batchStream), so the timing covers building the input rows [x_t, e(t)], forward, backward and Adam,
 * like numpy's, but not drawing the batches.
 * --webgpu adds tfjs on WebGPU (a software adapter on machines without a GPU: slow, so off by default).
 */

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createFusedEngine, type FusedEngineOptions } from "../src/engines/fused/trainer.js";
import { createTfjsEngine, type TfjsEngineOptions } from "../src/engines/tfjs/trainer.js";
import type { TrainBatch, TrainEngine } from "../src/core/training/engine.js";
import { parseTrainConfig } from "../src/core/training/config.js";
import { batchStream } from "../src/core/training/batches.js";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    batch: { type: "string", default: "256" },
    seconds: { type: "string", default: "1.5" },
    only: { type: "string" },
    webgpu: { type: "boolean", default: false },
    numpy: { type: "string", default: fileURLToPath(new URL("../../shared/bench/numpy_mlp_step.py", import.meta.url)) },
  },
});
const batchSize = Number(values.batch);
const seconds = Number(values.seconds);
if (!Number.isInteger(batchSize) || batchSize < 8) throw new RangeError(`--batch must be an integer ≥ 8, got ${values.batch}`);
if (!(seconds > 0)) throw new RangeError(`--seconds must be positive, got ${values.seconds}`);

const LR = 1e-3;
const next = batchStream(parseTrainConfig({ dataset: { name: "spiral", n: 2048 }, training: { batch: batchSize } }));
const batches: TrainBatch[] = Array.from({ length: 32 }, () => {
  const { xt, t, target } = next(); // the stream reuses its arrays
  return { xt: xt.slice(), t: t.slice(), target: target.slice() };
});
const base = { batchSize, seed: 1 };

interface Variant {
  label: string;
  make: () => Promise<TrainEngine>;
}
const fused = (label: string, o: Partial<FusedEngineOptions>): Variant => ({
  label,
  make: () => createFusedEngine({ ...base, ...o }),
});
const tfjs = (label: string, o: Partial<TfjsEngineOptions>): Variant => ({
  label,
  make: () => createTfjsEngine({ ...base, ...o }),
});
const variants: Variant[] = [
  tfjs("tfjs cpu, tf.train.adam + variableGrads", { backend: "cpu", gradients: "autodiff" }),
  tfjs("tfjs cpu, manual backward", { backend: "cpu", gradients: "manual" }),
  tfjs("tfjs wasm, tf.train.adam + variableGrads", { backend: "wasm", gradients: "autodiff" }),
  tfjs("tfjs wasm, manual backward (no transposed matMul)", { backend: "wasm", gradients: "manual" }),
  ...(values.webgpu
    ? [
      tfjs("tfjs webgpu, tf.train.adam + variableGrads", { backend: "webgpu", gradients: "autodiff" }),
      tfjs("tfjs webgpu, manual backward", { backend: "webgpu", gradients: "manual" }),
    ]
    : []),
  fused("fused TypeScript kernel", { kernel: "js" }),
  fused("fused wasm SIMD (mul+add), 1 thread", { kernel: "wasm", fma: false }),
  fused("fused wasm SIMD (relaxed FMA), 1 thread", { kernel: "wasm" }),
  fused("fused wasm SIMD (relaxed FMA), 2 threads", { kernel: "wasm", threads: 2 }),
].filter((v) => !values.only || v.label.includes(values.only));

async function numpyMs(): Promise<number> {
  const { stdout, success } = await new Deno.Command("python3", { args: [values.numpy!, String(batchSize)] }).output();
  const text = new TextDecoder().decode(stdout);
  const match = /([\d.]+) ms\/step/.exec(text);
  if (!success || !match) throw new Error(`numpy reference failed: ${text}`);
  return Number(match[1]);
}

/** ms per step: warm up, then step until `seconds` have passed (at least 10 steps), awaiting every loss. */
async function time(engine: TrainEngine): Promise<{ ms: number; steps: number }> {
  for (let k = 0; k < 10; k++) await engine.step(batches[k % batches.length], LR);
  const start = performance.now();
  let steps = 0;
  while (steps < 10 || performance.now() - start < seconds * 1000) {
    const losses = [];
    for (let k = 0; k < 10; k++) losses.push(engine.step(batches[steps++ % batches.length], LR));
    await Promise.all(losses);
  }
  return { ms: (performance.now() - start) / steps, steps };
}

console.log(`batch ${batchSize}; ${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`);
const numpyBefore = await numpyMs();
const rows: { label: string; name: string; ms: number; steps: number }[] = [];
for (const variant of variants) {
  let engine: TrainEngine;
  try {
    engine = await variant.make();
  } catch (error) {
    console.log(`${variant.label}: unavailable (${(error as Error).message})`);
    continue;
  }
  const result = await time(engine);
  await engine.dispose();
  rows.push({ label: variant.label, name: engine.name, ...result });
  console.log(`${variant.label}: ${result.ms.toFixed(3)} ms/step (${result.steps} steps)`);
}
const numpyAfter = await numpyMs();
const numpy = Math.min(numpyBefore, numpyAfter);

console.log(`\nnumpy/OpenBLAS reference: ${numpyBefore.toFixed(3)} ms/step before, ${numpyAfter.toFixed(3)} after\n`);
console.log("| variant | engine name | ms/step | vs numpy (≤ 1 is faster) |");
console.log("| --- | --- | ---: | ---: |");
console.log(`| numpy + OpenBLAS (faster of before/after) | numpy_mlp_step.py | ${numpy.toFixed(3)} | 1.00 |`);
for (const r of rows) console.log(`| ${r.label} | ${r.name} | ${r.ms.toFixed(3)} | ${(r.ms / numpy).toFixed(2)} |`);
Deno.exit(0);
