/**
 * The fused inference engine (src/engines/fused/wasmDenoiser.ts): the same network outputs as the
 * float64 reference pass to float32 rounding, on one thread and on two, for batches that end mid-chunk or
 * mid-block of four and that outgrow its memory; and DDPM sampling through it agrees with onnxruntime-web
 * running the exported model, the portable engine it is checked against, to 1e-4.
 */
import { afterAll, describe, expect, it } from "vitest";
import { initMlpParams } from "../../src/core/mlp.js";
import { exportOnnx, onnxProto } from "../../src/core/onnx/export.js";
import { readOnnxParams } from "../../src/core/onnx/weights.js";
import type { Parameterization } from "../../src/core/parameterization.js";
import { Rng } from "../../src/core/random.js";
import { sample } from "../../src/core/sample.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { CHUNK, createWasmDenoiser, type WasmDenoiser } from "../../src/engines/fused/wasmDenoiser.js";
import { createOrtDenoiser } from "../../src/engines/onnx/ortDenoiser.js";
import { fusedNetworkPass } from "../../src/engines/fused/networkPass.js";
import { evaluateLossByTimestep, makeEvalSet } from "../../src/core/training/evaluation.js";
import { parseTrainConfig } from "../../src/core/training/config.js";
import { mlpForward } from "../../src/core/mlp.js";
import { createReferenceDenoiser } from "../../src/engines/reference/referenceDenoiser.js";

const DIMS = [34, 64, 40, 2]; // 40 is not a multiple of 8: the padded units must stay silent
const params = initMlpParams(7, DIMS);
const schedule = makeSchedule({ kind: "linear", T: 200, betaStart: 1e-4, betaEnd: 0.02 });

function points(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: 2 * n }, () => 2 * rng.normal());
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const opened: WasmDenoiser[] = [];
afterAll(() => opened.forEach((denoiser) => denoiser.dispose()));

describe.each([1, 2] as const)("the fused inference engine on %i thread(s)", (threads) => {
  it.each(["eps", "x0", "v"] as Parameterization[])("gives the reference pass's %s outputs to float32 rounding", async (parameterization) => {
    const reference = createReferenceDenoiser(params, { parameterization, dims: DIMS });
    const fused = await createWasmDenoiser(params, { parameterization, dims: DIMS, threads });
    opened.push(fused);
    expect(fused.threads).toBe(threads);
    // One point, a ragged block of four, a chunk and a bit, then enough points to grow the memory twice.
    for (const n of [1, 3, 6, CHUNK + 1, 3 * CHUNK - 2, 5000]) {
      for (const t of [0, 57, 199]) {
        const x = points(n, n + t);
        const expected = reference.predict(x, t) as Float64Array;
        const got = fused.predict(x, t);
        expect(got.length).toBe(x.length);
        expect(maxDifference(got, expected), `n ${n}, t ${t}`).toBeLessThan(2e-5);
      }
    }
  });
});

describe("the fused engine beside the portable one", () => {
  it("reads an exported model's weights back exactly", () => {
    const bytes = exportOnnx({ params, dims: DIMS, parameterization: "eps", schedule });
    const back = readOnnxParams(bytes);
    expect(back.dims).toEqual(DIMS);
    expect(Array.from(back.params)).toEqual(Array.from(params));
  });

  it("samples what onnxruntime-web samples from the exported model, to 1e-4 after 200 DDPM steps", async () => {
    const fused = await createWasmDenoiser(params, { parameterization: "eps", dims: DIMS });
    opened.push(fused);
    const ort = await createOrtDenoiser(exportOnnx({ params, dims: DIMS, parameterization: "eps", schedule }));
    try {
      const run = (denoiser: typeof fused | typeof ort) => sample({ schedule, denoiser, sampler: "ddpm", steps: 200, n: 300, seed: 3 });
      const [a, b] = [await run(fused), await run(ort)];
      expect(maxDifference(a.samples, b.samples)).toBeLessThan(1e-4);
    } finally {
      await ort.dispose?.();
    }
  });

  it("takes no points, a hidden layer narrower than a SIMD block, and refuses calls once disposed", async () => {
    const narrowDims = [34, 5, 3, 2];
    const narrow = initMlpParams(2, narrowDims);
    for (const threads of [1, 2] as const) {
      const fused = await createWasmDenoiser(narrow, { parameterization: "eps", dims: narrowDims, threads });
      expect(fused.predict(new Float64Array(0), 3)).toEqual(new Float64Array(0));
      const x = points(300, 4);
      const reference = createReferenceDenoiser(narrow, { parameterization: "eps", dims: narrowDims }).predict(x, 9) as Float64Array;
      expect(maxDifference(fused.predict(x, 9), reference)).toBeLessThan(2e-5);
      fused.dispose();
      expect(() => fused.predict(x, 9)).toThrow("this denoiser was disposed");
    }
  });

  it("refuses an .onnx file that is not exactly chisel's export of its weights, before allocating what it claims", () => {
    const bytes = exportOnnx({ params, dims: DIMS, parameterization: "eps", schedule });
    const edited = bytes.slice();
    const at = Buffer.from(edited).indexOf("Sigmoid");
    edited.set(new TextEncoder().encode("Sigmoix"), at);
    expect(() => readOnnxParams(edited)).toThrow(/the model's graph is not chisel's export of its weights/);
    // Metadata that claims a network of 33 million weights in a file of a few kB.
    const ModelProto = onnxProto.lookupType("onnx.ModelProto");
    const model = ModelProto.toObject(ModelProto.decode(bytes)) as { metadataProps: { key: string; value: string }[] };
    model.metadataProps.find((prop) => prop.key === "dims")!.value = "34,4096,4096,4096,2";
    const lying = ModelProto.encode(ModelProto.fromObject(model)).finish();
    expect(() => readOnnxParams(lying)).toThrow(/need \d+ bytes of weights, more than the file holds/);
  });

  it("refuses what it cannot run, naming the problem", async () => {
    await expect(createWasmDenoiser(params.subarray(1), { parameterization: "eps", dims: DIMS })).rejects.toThrow(/params must hold/);
    await expect(createWasmDenoiser(params, { parameterization: "score" as Parameterization, dims: DIMS })).rejects.toThrow(/parameterization must be one of/);
    const fused = await createWasmDenoiser(params, { parameterization: "eps", dims: DIMS, threads: 1 });
    opened.push(fused);
    expect(() => fused.predict(new Float64Array(3), 0)).toThrow(/even length/);
    expect(() => fused.predict(new Float64Array(2), Number.NaN)).toThrow(/t must be a finite number/);
  });
});

describe("the fused pass that scores checkpoints", () => {
  it("gives the float64 reference's outputs for rows at mixed timesteps, and its losses to 1e-6", async () => {
    const t = Int32Array.from({ length: 301 }, (_, i) => (i * 37) % 200);
    const x = points(301, 11);
    const reference = mlpForward(params, x, t, DIMS);
    expect(maxDifference(await fusedNetworkPass({ threads: 1 })(params, x, t, DIMS), reference)).toBeLessThan(2e-5);

    const config = parseTrainConfig({ schedule: { T: 200 }, model: { hidden: [64, 40] } });
    const evalSet = makeEvalSet(config, 256);
    const exact = await evaluateLossByTimestep(params, evalSet);
    const fused = await evaluateLossByTimestep(params, evalSet, fusedNetworkPass());
    fused.forEach((bucket, b) => expect(Math.abs(bucket.loss / exact[b].loss - 1)).toBeLessThan(1e-6));
  });
});
