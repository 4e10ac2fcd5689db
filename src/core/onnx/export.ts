/**
 * ONNX export of the denoising network: one self-contained graph from (x_t, t) to ε̂.
 *
 *   inputs  x   float32 [N, 2]   the noisy points x_t
 *           t   float32 [N]      the schedule index (0 … T−1, an integer stored as a float)
 *   output  eps float32 [N, 2]   the noise prediction ε̂, whatever the network was trained to output
 *
 * The graph (opset 17) rebuilds the whole forward pass of mlp.ts:
 *   angle = Unsqueeze(t, 1) · f                      f = embeddingFrequencies(), [1, 16]
 *   u     = Concat(x, Sin(angle), Cos(angle))        [N, 34], embedding.ts's layout
 *   h_l   = SiLU(Gemm(h_{l−1}, W_l, b_l))            SiLU(z) = Mul(z, Sigmoid(z))
 *   y     = Gemm(h_3, W_4, b_4)
 * and for x_0 and v networks converts y to ε inside the graph (parameterization.ts), with per-index
 * coefficients gathered at Cast(t → int64):
 *   x0:  ε = (x_t − √ᾱ x̂_0) / √(1−ᾱ) = (1/√(1−ᾱ)) x_t + (−√ᾱ/√(1−ᾱ)) x̂_0
 *   v:   ε = √(1−ᾱ) x_t + √ᾱ v̂
 * Metadata props carry the schedule, the training parameterization and the embedding, so a .onnx file
 * alone is enough to sample (`readOnnxMetadata`).
 *
 * A flow-matching network (objective "flow-matching", flow/time.ts) exports the same graph without the
 * conversion: input t is its time τ = 1000·t (any real in [0, 1000]), output `velocity` the velocity
 * ε − x₀. Its metadata says objective=flow-matching and time_scale=1000; a DDPM model's carries no
 * objective (absent means ddpm), so its bytes are what they were before flow matching existed.
 *
 * The protobuf messages come from a subset of onnx.proto (same field numbers), built with protobufjs' reflection.
 */

import protobuf from "protobufjs";
import { EMBEDDING_DIM, EMBEDDING_MAX_PERIOD, embeddingFrequencies } from "../embedding.js";
import { MLP_DIMS, MLP_INPUT_DIM, MLP_OUTPUT_DIM, mlpLayout } from "../mlp.js";
import { type Parameterization, PARAMETERIZATIONS } from "../parameterization.js";
import { FLOW_TIME_SCALE } from "../flow/time.js";
import { makeSchedule, type ScheduleConfig, scheduleConfigError, type ScheduleKind } from "../schedule.js";
import { type Objective, OBJECTIVES } from "../settings.js";

/** onnxruntime-web 1.30 runs opset 17 models of IR version 8. */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_PRODUCER = "chisel";
export const ONNX_INPUT_X = "x";
export const ONNX_INPUT_T = "t";
export const ONNX_OUTPUT = "eps";
/** A flow-matching model's output. */
export const ONNX_FLOW_OUTPUT = "velocity";
/** The embedding as the metadata states it (embedding.ts), for whoever feeds t to the graph from elsewhere. */
export const EMBEDDING_FORMULA =
  `e(t) = [sin(t f_k), cos(t f_k)], f_k = ${EMBEDDING_MAX_PERIOD}^(-k/${EMBEDDING_DIM / 2}), ` +
  `k = 0..${EMBEDDING_DIM / 2 - 1}; network input [x, y, e(t)]`;

/** onnx.proto's TensorProto.DataType and AttributeProto.AttributeType values used here. */
const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

// A subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto), field numbers unchanged.
const ONNX_PROTO = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            i: { type: "int64", id: 3 },
            type: { type: "int32", id: 20 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            domain: { type: "string", id: 7 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: { tensorType: { type: "Tensor", id: 1 } },
          nested: {
            Tensor: {
              fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } },
            },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 }, docString: { type: "string", id: 3 } },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        StringStringEntryProto: {
          fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
      },
    },
  },
};

/** The ONNX message types (a protobufjs Root), for whoever wants to decode a model. */
export const onnxProto = protobuf.Root.fromJSON(ONNX_PROTO);
const ModelProto = onnxProto.lookupType("onnx.ModelProto");

export interface OnnxExportOptions {
  /** Flat parameters in the layout of mlp.ts. */
  params: Float32Array;
  /** Layer widths; must start at 34 (x, y and the 32-value embedding) and end at 2. */
  dims?: readonly number[];
  /** What the network outputs; the graph converts it to ε. */
  parameterization: Parameterization;
  /** The schedule the network was trained on (a full Schedule works too); a flow model's config carries the default. */
  schedule: ScheduleConfig;
  /** What the network was trained for (default ddpm). */
  objective?: Objective;
}

/** What `readOnnxMetadata` recovers from a chisel model. */
export interface OnnxMetadata {
  schedule: ScheduleConfig;
  /** The training parameterization (the graph's output is ε regardless). */
  parameterization: Parameterization;
  /** What the network was trained for: "ddpm" where the metadata names none. */
  objective: Objective;
  dims: number[];
  embedding: string;
  producerName: string;
  /** Every metadata prop as stored. */
  props: Record<string, string>;
}

interface GraphNode {
  opType: string;
  input: string[];
  output: string[];
  name: string;
  attribute?: { name: string; type: number; i: number }[];
}

/** Little-endian float32 bytes, the byte order ONNX's raw_data prescribes on every platform. */
function floatBytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(4 * values.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return bytes;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(8 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return bytes;
}

function tensorValueInfo(name: string, shape: (number | string)[], docString: string) {
  const dim = shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, docString, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/** Builds the ONNX model of a trained network; returns the serialized ModelProto. */
export function exportOnnx(options: OnnxExportOptions): Uint8Array {
  const { params, parameterization, schedule: config } = options;
  const objective = options.objective ?? "ddpm";
  if (!OBJECTIVES.includes(objective)) throw new RangeError(`objective must be one of ${OBJECTIVES.join(", ")}, got ${objective}`);
  const flow = objective === "flow-matching";
  if (flow && parameterization !== "eps") {
    throw new RangeError(`parameterization must be eps for a flow-matching model (it predicts the velocity), got ${parameterization}`);
  }
  const output = onnxOutputName(objective);
  const dims = options.dims ?? MLP_DIMS;
  const { layers, size } = mlpLayout(dims);
  if (dims[0] !== MLP_INPUT_DIM || dims[dims.length - 1] !== MLP_OUTPUT_DIM) {
    throw new RangeError(`dims must start at ${MLP_INPUT_DIM} and end at ${MLP_OUTPUT_DIM}, got [${dims.join(", ")}]`);
  }
  if (!(params instanceof Float32Array) || params.length !== size) {
    throw new RangeError(`params must be a Float32Array of ${size} values, got ${params?.length}`);
  }
  const bad = params.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new RangeError(`params: weights contain ${params[bad]} at parameter index ${bad}; the run diverged`);
  if (!PARAMETERIZATIONS.includes(parameterization)) {
    throw new RangeError(`parameterization must be one of ${PARAMETERIZATIONS.join(", ")}, got ${parameterization}`);
  }
  const schedule = makeSchedule({ kind: config.kind, T: config.T, betaStart: config.betaStart, betaEnd: config.betaEnd });

  const initializer: { name: string; dims: number[]; dataType: number; rawData: Uint8Array }[] = [];
  const constant = (name: string, shape: number[], values: ArrayLike<number>) => {
    initializer.push({ name, dims: shape, dataType: FLOAT, rawData: floatBytes(values) });
    return name;
  };
  const nodes: GraphNode[] = [];
  const node = (opType: string, input: string[], output: string, attribute?: GraphNode["attribute"]) => {
    nodes.push({ opType, input, output: [output], name: `${output}_${opType}`, attribute });
    return output;
  };
  initializer.push({ name: "axis1", dims: [1], dataType: INT64, rawData: int64Bytes([1]) });

  // 1. The embedding: t · f_k as [N, 1] × [1, D/2], then the sines and the cosines beside x.
  const half = EMBEDDING_DIM / 2;
  const tColumn = node("Unsqueeze", [ONNX_INPUT_T, "axis1"], "t_column");
  const angle = node("Mul", [tColumn, constant("frequencies", [1, half], embeddingFrequencies(EMBEDDING_DIM))], "angle");
  const sin = node("Sin", [angle], "embedding_sin");
  const cos = node("Cos", [angle], "embedding_cos");
  let h = node("Concat", [ONNX_INPUT_X, sin, cos], "u", [{ name: "axis", type: ATTRIBUTE_INT, i: 1 }]);

  // 2. The layers: Gemm with W_l as stored (fan-in × fan-out, so no transpose), SiLU between.
  layers.forEach(({ fanIn, fanOut, weight, bias }, l) => {
    const W = constant(`W${l + 1}`, [fanIn, fanOut], params.subarray(weight, weight + fanIn * fanOut));
    const b = constant(`b${l + 1}`, [fanOut], params.subarray(bias, bias + fanOut));
    const last = l + 1 === layers.length;
    const z = node("Gemm", [h, W, b], last && parameterization === "eps" ? output : `z${l + 1}`);
    h = last ? z : node("Mul", [z, node("Sigmoid", [z], `sigmoid${l + 1}`)], `h${l + 1}`);
  });

  // 3. ε = c_x[t] x_t + c_y[t] y for x_0 and v outputs, the coefficients gathered as [N, 1] columns.
  if (parameterization !== "eps") {
    const T = schedule.T;
    const cx = new Float64Array(T);
    const cy = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      const a = schedule.sqrtAlphaBars[i];
      const s = schedule.sqrtOneMinusAlphaBars[i];
      cx[i] = parameterization === "x0" ? 1 / s : s;
      cy[i] = parameterization === "x0" ? -a / s : a;
    }
    const index = node("Cast", [ONNX_INPUT_T], "t_index", [{ name: "to", type: ATTRIBUTE_INT, i: INT64 }]);
    const coefX = node("Gather", [constant("coef_xt", [T, 1], cx), index], "coef_xt_t");
    const coefY = node("Gather", [constant("coef_output", [T, 1], cy), index], "coef_output_t");
    const fromX = node("Mul", [ONNX_INPUT_X, coefX], "eps_from_xt");
    const fromY = node("Mul", [h, coefY], "eps_from_output");
    node("Add", [fromX, fromY], ONNX_OUTPUT);
  }

  const props: Record<string, string> = {
    producer_name: ONNX_PRODUCER,
    "schedule.kind": schedule.kind,
    "schedule.T": String(schedule.T),
    "schedule.betaStart": String(config.betaStart),
    "schedule.betaEnd": String(config.betaEnd),
    parameterization,
    output,
    dims: dims.join(","),
    embedding: EMBEDDING_FORMULA,
    ...(flow ? { objective, time_scale: String(FLOW_TIME_SCALE) } : {}),
  };
  const model = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER,
    docString: flow
      ? `flow-matching velocity predictor, v = f(x_t, τ) with τ = ${FLOW_TIME_SCALE}·t`
      : `DDPM noise predictor (trained as ${parameterization}), ε = f(x_t, t)`,
    graph: {
      name: "chisel_denoiser",
      node: nodes,
      initializer,
      input: [
        tensorValueInfo(ONNX_INPUT_X, ["N", 2], "noisy points x_t"),
        flow
          ? tensorValueInfo(ONNX_INPUT_T, ["N"], `network time τ = ${FLOW_TIME_SCALE}·t, t in [0, 1] (any real)`)
          : tensorValueInfo(ONNX_INPUT_T, ["N"], `schedule index 0..${schedule.T - 1} (integer values)`),
      ],
      output: [flow ? tensorValueInfo(output, ["N", 2], "predicted velocity ε − x₀") : tensorValueInfo(output, ["N", 2], "predicted noise")],
    },
    metadataProps: Object.entries(props).map(([key, value]) => ({ key, value })),
  };
  const invalid = ModelProto.verify(model);
  if (invalid) throw new Error(`internal: invalid ONNX model (${invalid})`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** The first NaN or infinite value among a model's float tensors, as "W2[17]", or undefined. */
function firstNonFiniteWeight(initializers: { name?: string; dataType?: number; rawData?: Uint8Array }[]): string | undefined {
  for (const { name, dataType, rawData } of initializers) {
    if (dataType !== FLOAT || !rawData) continue;
    const view = new DataView(rawData.buffer, rawData.byteOffset, rawData.byteLength);
    for (let i = 0; 4 * i + 4 <= rawData.byteLength; i++) {
      const value = view.getFloat32(4 * i, true);
      if (!Number.isFinite(value)) return `${value} at ${name}[${i}]`;
    }
  }
  return undefined;
}

interface DecodedModel {
  producerName?: string;
  metadataProps?: { key: string; value: string }[];
  graph?: { initializer?: { name?: string; dataType?: number; rawData?: Uint8Array }[] };
}

/** The model's fields that the readers look at, and its metadata props as a record. */
function decodeModel(bytes: Uint8Array): { decoded: DecodedModel; props: Record<string, string> } {
  let decoded: DecodedModel;
  try {
    decoded = ModelProto.toObject(ModelProto.decode(bytes), { defaults: false });
  } catch (error) {
    throw new RangeError(`bytes must be a serialized ONNX model (${(error as Error).message})`);
  }
  const props: Record<string, string> = {};
  for (const { key, value } of decoded.metadataProps ?? []) props[key] = value;
  return { decoded, props };
}

/** The objective the metadata names (ddpm where it names none), with the time scale a flow model must state. */
function objectiveOfProps(props: Record<string, string>): Objective {
  const objective = (props.objective ?? "ddpm") as Objective;
  if (!OBJECTIVES.includes(objective)) {
    throw new RangeError(`the model's objective must be one of ${OBJECTIVES.join(", ")}, got ${objective}`);
  }
  if (objective === "flow-matching" && props.time_scale !== String(FLOW_TIME_SCALE)) {
    throw new RangeError(`the model's time_scale must be ${FLOW_TIME_SCALE} (flow/time.ts), got ${props.time_scale}`);
  }
  return objective;
}

/**
 * What any ONNX graph was trained for, from its metadata prop "objective": chisel's export writes it for
 * flow matching; a graph that names none (a DDPM export, a third-party graph) is ddpm. Unlike
 * readOnnxMetadata, it accepts graphs from any producer.
 */
export function readOnnxObjective(bytes: Uint8Array): Objective {
  return objectiveOfProps(decodeModel(bytes).props);
}

/** The graph output an inference engine reads: a flow model's velocity, or ε. */
export function onnxOutputName(objective: Objective): string {
  return objective === "flow-matching" ? ONNX_FLOW_OUTPUT : ONNX_OUTPUT;
}

/**
 * Reads back what `exportOnnx` stored: the schedule, the parameterization and the network shape.
 * Refuses a model whose weights are not all finite: it would sample NaN.
 */
export function readOnnxMetadata(bytes: Uint8Array): OnnxMetadata {
  const { decoded, props } = decodeModel(bytes);
  if (props.producer_name !== ONNX_PRODUCER) {
    throw new RangeError(`bytes must be a model exported by ${ONNX_PRODUCER}, got producer ${JSON.stringify(props.producer_name ?? decoded.producerName ?? "")}`);
  }
  const schedule: ScheduleConfig = {
    kind: props["schedule.kind"] as ScheduleKind,
    T: Number(props["schedule.T"]),
    betaStart: Number(props["schedule.betaStart"]),
    betaEnd: Number(props["schedule.betaEnd"]),
  };
  const error = scheduleConfigError(schedule);
  if (error) throw new RangeError(`the model's schedule is invalid: ${error}`);
  const nonFinite = firstNonFiniteWeight(decoded.graph?.initializer ?? []);
  if (nonFinite) throw new RangeError(`the model's weights contain ${nonFinite}; the run diverged`);
  const parameterization = props.parameterization as Parameterization;
  if (!PARAMETERIZATIONS.includes(parameterization)) {
    throw new RangeError(`the model's parameterization must be one of ${PARAMETERIZATIONS.join(", ")}, got ${parameterization}`);
  }
  return {
    schedule,
    parameterization,
    objective: objectiveOfProps(props),
    dims: (props.dims ?? "").split(",").map(Number),
    embedding: props.embedding ?? "",
    producerName: props.producer_name,
    props,
  };
}
