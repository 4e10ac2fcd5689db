import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrtDenoiser } from "../../src/engines/onnx/ortDenoiser.js";
import { BatchedMlp } from "../../src/engines/reference/batchedMlp.js";
import { createReferenceDenoiser } from "../../src/engines/reference/referenceDenoiser.js";
import { createTfjsDenoiser } from "../../src/engines/tfjs/tfjsDenoiser.js";
import { exportOnnx, readOnnxMetadata } from "../../src/core/onnx/export.js";
import { initMlpParams, mlpForward, mlpLayout } from "../../src/core/mlp.js";
import { convertOutput, type Parameterization } from "../../src/core/parameterization.js";
import { Rng } from "../../src/core/random.js";
import { makeSchedule, type Schedule } from "../../src/core/schedule.js";

// An independent reading of the bytes: onnx.proto's messages as protobuf text, parsed by protobufjs,
// with the field numbers of https://github.com/onnx/onnx/blob/main/onnx/onnx.proto.
const ONNX_SUBSET = `
syntax = "proto2";
package onnx;
message AttributeProto { optional string name = 1; optional int64 i = 3; optional int32 type = 20; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; optional string name = 3;
  optional string op_type = 4; repeated AttributeProto attribute = 5;
}
message TensorProto {
  repeated int64 dims = 1; optional int32 data_type = 2; optional string name = 8; optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message GraphProto {
  repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message ModelProto {
  optional int64 ir_version = 1; optional string producer_name = 2; optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8; repeated StringStringEntryProto metadata_props = 14;
}`;
const ModelProto = protobuf.parse(ONNX_SUBSET, { keepCase: true }).root.lookupType("onnx.ModelProto");

interface Decoded {
  ir_version: number;
  producer_name: string;
  opset_import: { domain?: string; version: number }[];
  metadata_props: { key: string; value: string }[];
  graph: {
    node: { op_type: string; input: string[]; output: string[] }[];
    initializer: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[];
    input: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[];
    output: Decoded["graph"]["input"];
  };
}

function decode(bytes: Uint8Array): Decoded {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Uint8Array }) as Decoded;
}

const schedule = makeSchedule({ kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
const cosine = makeSchedule({ kind: "cosine", T: 200, betaStart: 1e-4, betaEnd: 0.02 });

/** n random points rounded to float32 (what the graph sees), and indices covering 0 and T − 1. */
function randomBatch(seed: number, n: number, T: number): { x: Float64Array; t: number[] } {
  const rng = new Rng(seed);
  const x = Float64Array.from(new Float32Array(rng.normals(2 * n).map((v) => 1.5 * v)));
  const t = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i === 1 ? T - 1 : rng.int(T)));
  return { x, t };
}

/** ε from the float64 reference: the network output at each point's own t, converted point by point. */
function referenceEps(params: Float32Array, parameterization: Parameterization, s: Schedule, x: Float64Array, t: number[]) {
  const output = mlpForward(params, x, t);
  const eps = new Float64Array(x.length);
  t.forEach((ti, i) => {
    const pair = convertOutput(parameterization, "eps", output.subarray(2 * i, 2 * i + 2), x.subarray(2 * i, 2 * i + 2), s.alphaBars[ti]);
    eps.set(pair, 2 * i);
  });
  return eps;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("exportOnnx: the ModelProto", () => {
  const params = initMlpParams(11);
  const bytes = exportOnnx({ params, parameterization: "v", schedule });
  const model = decode(bytes);

  it("declares IR 8, opset 17 and the producer", () => {
    expect(model.ir_version).toBe(8);
    // The default ai.onnx domain is the empty string, which protobuf leaves out of the wire.
    expect(model.opset_import.map(({ domain, version }) => [domain ?? "", version])).toEqual([["", 17]]);
    expect(model.producer_name).toBe("chisel");
  });

  it("has inputs x [N, 2] and t [N] and output eps [N, 2], all float32", () => {
    const shape = (v: Decoded["graph"]["input"][number]) => v.type.tensor_type.shape.dim.map((d) => d.dim_value ?? d.dim_param);
    expect(model.graph.input.map((v) => v.name)).toEqual(["x", "t"]);
    expect(model.graph.input.map(shape)).toEqual([["N", 2], ["N"]]);
    expect(model.graph.output.map((v) => v.name)).toEqual(["eps"]);
    expect(model.graph.output.map(shape)).toEqual([["N", 2]]);
    for (const v of [...model.graph.input, ...model.graph.output]) expect(v.type.tensor_type.elem_type).toBe(1);
  });

  it("stores W_l and b_l as float32 initializers holding the flat parameters", () => {
    const { layers } = mlpLayout();
    layers.forEach(({ fanIn, fanOut, weight, bias }, l) => {
      const W = model.graph.initializer.find((i) => i.name === `W${l + 1}`)!;
      const b = model.graph.initializer.find((i) => i.name === `b${l + 1}`)!;
      expect(W.dims).toEqual([fanIn, fanOut]);
      expect(b.dims).toEqual([fanOut]);
      expect(W.data_type).toBe(1);
      const view = new DataView(W.raw_data.buffer, W.raw_data.byteOffset, W.raw_data.byteLength);
      const last = fanIn * fanOut - 1;
      expect(view.getFloat32(0, true)).toBe(params[weight]);
      expect(view.getFloat32(4 * last, true)).toBe(params[weight + last]);
      expect(b.raw_data.byteLength).toBe(4 * fanOut);
      expect(params[bias]).toBe(0);
    });
  });

  it("builds the embedding and SiLU from standard ops, and gathers the v → ε coefficients at Cast(t)", () => {
    const ops = model.graph.node.map((n) => n.op_type);
    expect(new Set(ops)).toEqual(new Set(["Unsqueeze", "Mul", "Sin", "Cos", "Concat", "Gemm", "Sigmoid", "Cast", "Gather", "Add"]));
    expect(ops.filter((op) => op === "Gemm")).toHaveLength(4);
    expect(ops.filter((op) => op === "Sigmoid")).toHaveLength(3);
    expect(model.graph.node.at(-1)!.output).toEqual(["eps"]);
    // The ε-network needs no conversion: its last Gemm writes eps.
    const epsModel = decode(exportOnnx({ params, parameterization: "eps", schedule }));
    expect(epsModel.graph.node.at(-1)!.op_type).toBe("Gemm");
    expect(epsModel.graph.node.some((n) => n.op_type === "Gather")).toBe(false);
  });

  it("rejects bad input with RangeError", () => {
    expect(() => exportOnnx({ params: params.subarray(1), parameterization: "eps", schedule })).toThrow(RangeError);
    expect(() => exportOnnx({ params, parameterization: "score" as Parameterization, schedule })).toThrow(RangeError);
    expect(() => exportOnnx({ params, dims: [34, 64, 3], parameterization: "eps", schedule })).toThrow(RangeError);
    expect(() => exportOnnx({ params, parameterization: "eps", schedule: { ...schedule, T: 0 } })).toThrow(RangeError);
  });
});

describe("readOnnxMetadata", () => {
  it("round-trips the schedule, the parameterization and the network shape", () => {
    const dims = [34, 16, 16, 2];
    const meta = readOnnxMetadata(exportOnnx({ params: initMlpParams(3, dims), dims, parameterization: "x0", schedule: cosine }));
    expect(meta.schedule).toEqual({ kind: "cosine", T: 200, betaStart: cosine.betaStart, betaEnd: cosine.betaEnd });
    expect(makeSchedule(meta.schedule).alphaBars).toEqual(cosine.alphaBars);
    expect(meta.parameterization).toBe("x0");
    expect(meta.dims).toEqual(dims);
    expect(meta.producerName).toBe("chisel");
    expect(meta.props.output).toBe("eps");
    expect(meta.embedding).toContain("10000^(-k/16)");
  });

  it("keeps non-default β ranges exactly", () => {
    const quadratic = { kind: "quadratic" as const, T: 37, betaStart: 0.1 / 3, betaEnd: 0.2 / 3 };
    const meta = readOnnxMetadata(exportOnnx({ params: initMlpParams(1), parameterization: "eps", schedule: quadratic }));
    expect(meta.schedule).toEqual(quadratic);
  });

  it("rejects bytes that are not a chisel model", () => {
    expect(() => readOnnxMetadata(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(RangeError);
    const foreign = ModelProto.encode(ModelProto.fromObject({ ir_version: 8, producer_name: "pytorch" })).finish();
    expect(() => readOnnxMetadata(foreign)).toThrow(RangeError);
  });
});

describe("onnxruntime-web (wasm) runs the exported graph", () => {
  const n = 257;
  const schedules = { linear: schedule, cosine };
  const cases: [Parameterization, keyof typeof schedules, number][] = [
    ["eps", "linear", 1],
    ["x0", "linear", 2],
    ["v", "linear", 3],
    ["x0", "cosine", 4],
    ["v", "cosine", 5],
  ];

  it.each(cases)("%s network, %s schedule: ε at per-point t agrees with the float64 reference to 1e-4", async (parameterization, kind, seed) => {
    const s = schedules[kind];
    // The build pages load (the engine picks the Node build under Deno): both must run the graph.
    const ort = await import("onnxruntime-web/webgpu");
    ort.env.wasm.numThreads = 1;
    const params = initMlpParams(seed);
    const session = await ort.InferenceSession.create(exportOnnx({ params, parameterization, schedule: s }));
    const { x, t } = randomBatch(100 + seed, n, s.T);
    const { eps } = await session.run({
      x: new ort.Tensor("float32", Float32Array.from(x), [n, 2]),
      t: new ort.Tensor("float32", Float32Array.from(t), [n]),
    });
    expect(eps.dims).toEqual([n, 2]);
    const expected = referenceEps(params, parameterization, s, x, t);
    expect(maxAbsDiff(eps.data as Float32Array, expected)).toBeLessThan(1e-4);
    // The comparison has teeth: another network or the unconverted output is far off.
    expect(maxAbsDiff(eps.data as Float32Array, referenceEps(initMlpParams(seed + 50), parameterization, s, x, t))).toBeGreaterThan(0.05);
    if (parameterization !== "eps") expect(maxAbsDiff(eps.data as Float32Array, mlpForward(params, x, t))).toBeGreaterThan(0.05);
    await session.release();
  });
});

describe("inference engines as Denoisers", () => {
  const params = initMlpParams(21);
  const batch = randomBatch(7, 130, schedule.T);
  let ort: Awaited<ReturnType<typeof createOrtDenoiser>>;
  beforeAll(async () => {
    ort = await createOrtDenoiser(exportOnnx({ params, parameterization: "x0", schedule }));
  });
  afterAll(() => ort.dispose());

  it("the ort denoiser predicts ε for an x0 network, across batch sizes and t, reusing its buffers", async () => {
    expect(ort.parameterization).toBe("eps");
    for (const [size, t] of [[130, 0], [130, 999], [3, 999], [130, 412]]) {
      const x = batch.x.subarray(0, 2 * size);
      const expected = referenceEps(params, "x0", schedule, x, new Array(size).fill(t));
      expect(maxAbsDiff(await ort.predict(x, t), expected)).toBeLessThan(1e-4);
    }
  });

  it("the ort denoiser serves overlapping calls in order", async () => {
    const a = batch.x.subarray(0, 20);
    const [p, q] = await Promise.all([ort.predict(a, 5), ort.predict(batch.x, 700)]);
    expect(maxAbsDiff(p, referenceEps(params, "x0", schedule, a, new Array(10).fill(5)))).toBeLessThan(1e-4);
    expect(maxAbsDiff(q, referenceEps(params, "x0", schedule, batch.x, new Array(130).fill(700)))).toBeLessThan(1e-4);
  });

  it("the ort denoiser rejects bad input with RangeError", async () => {
    expect(() => ort.predict(new Float64Array(3), 0)).toThrow(RangeError);
    expect(() => ort.predict(batch.x, 1.5)).toThrow(RangeError);
    await expect(createOrtDenoiser(new Uint8Array(4), { executionProviders: ["cuda" as "wasm"] })).rejects.toThrow(RangeError);
  });

  it("the plain TypeScript engine matches mlpForward to 1e-12, including a last partial block of points", async () => {
    for (const parameterization of ["eps", "v"] as const) {
      const engine = createReferenceDenoiser(params, { parameterization });
      expect(engine.parameterization).toBe(parameterization);
      for (const [size, t] of [[130, 0], [130, 999], [7, 999], [1, 3]]) {
        const x = batch.x.subarray(0, 2 * size);
        expect(maxAbsDiff(await engine.predict(x, t), mlpForward(params, x, t))).toBeLessThan(1e-12);
      }
    }
    const small = [34, 5, 3, 2];
    const smallParams = initMlpParams(4, small);
    const x = batch.x.subarray(0, 18);
    expect(maxAbsDiff(new BatchedMlp(smallParams, small).forward(x, 17), mlpForward(smallParams, x, 17, small))).toBeLessThan(1e-12);
  });

  it("the tfjs engine matches mlpForward to 1e-4 in the trained parameterization", async () => {
    const engine = await createTfjsDenoiser(params, { parameterization: "v" });
    expect(engine.parameterization).toBe("v");
    for (const t of [0, 999, 250]) {
      expect(maxAbsDiff(await engine.predict(batch.x, t), mlpForward(params, batch.x, t))).toBeLessThan(1e-4);
    }
    engine.dispose();
  });
});

describe("the ort denoiser reads the objective from the model", () => {
  const params = initMlpParams(33);
  const flowBytes = exportOnnx({ params, parameterization: "eps", schedule, objective: "flow-matching" });
  /** The model with its decoded fields changed, encoded again (the subset above holds all a chisel export uses). */
  const edited = (bytes: Uint8Array, edit: (model: Decoded) => void) => {
    const model = decode(bytes);
    edit(model);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  };

  it("runs a flow model as one without being told: its velocity at a real τ, refusing τ outside [0, 1000]", async () => {
    const ort = await createOrtDenoiser(flowBytes);
    try {
      expect(ort.objective).toBe("flow-matching");
      const { x } = randomBatch(9, 40, 1000);
      for (const tau of [0, 412.5, 1000]) {
        expect(maxAbsDiff(await ort.predict(x, tau), mlpForward(params, x, tau))).toBeLessThan(1e-4);
      }
      for (const tau of [1000.5, -1, NaN]) {
        expect(() => ort.predict(x, tau)).toThrow(`t must be a number in [0, 1000] (a flow model's time τ = 1000·t, t in [0, 1]), got ${tau}`);
      }
    } finally {
      await ort.dispose();
    }
    await expect(createOrtDenoiser(flowBytes, { objective: "ddpm" }))
      .rejects.toThrow("objective ddpm does not match the model's metadata, which says flow-matching");
  });

  it("reads its output by name: eps behind another output listed first, and a velocity graph without its objective refused", async () => {
    const ddpm = exportOnnx({ params, parameterization: "x0", schedule });
    // A third-party graph may output more than eps, in any order: the first hidden layer first here.
    const extra = edited(ddpm, (model) => {
      const hidden = { ...structuredClone(model.graph.output[0]), name: "h1" };
      hidden.type.tensor_type.shape.dim = [{ dim_param: "N" }, { dim_value: readOnnxMetadata(ddpm).dims[1] }];
      model.graph.output.unshift(hidden);
    });
    const ort = await createOrtDenoiser(extra);
    try {
      expect(ort.objective).toBeUndefined(); // absent: ddpm
      const { x, t } = randomBatch(10, 30, 1000);
      const k = t[5];
      expect(maxAbsDiff(await ort.predict(x, k), referenceEps(params, "x0", schedule, x, new Array(30).fill(k)))).toBeLessThan(1e-4);
    } finally {
      await ort.dispose();
    }
    const unnamed = edited(flowBytes, (model) => {
      model.metadata_props = model.metadata_props.filter(({ key }) => key !== "objective" && key !== "time_scale");
    });
    await expect(createOrtDenoiser(unnamed)).rejects.toThrow("the ddpm model must have an output named eps, got velocity");
  });
});
