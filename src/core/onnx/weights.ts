/**
 * The weights of a model exported by chisel, read back from its initializers (W1, b1, …, in the layout
 * of mlp.ts), so that any engine, not only an ONNX runtime, can run an exported model. Only a file that
 * is exactly chisel's export of those weights is read: an engine that runs the weights runs chisel's
 * graph, so an edited graph (another embedding, another operator) would otherwise be ignored silently.
 */

import { mlpLayout } from "../mlp.js";
import { checkDims } from "../training/engine.js";
import { exportOnnx, onnxProto, readOnnxMetadata } from "./export.js";

const ModelProto = onnxProto.lookupType("onnx.ModelProto");
const FLOAT = 1;

interface Initializer {
  name: string;
  dims?: (number | string)[];
  dataType?: number;
  rawData?: Uint8Array;
}

/** The flat parameters of a chisel ONNX model (mlp.ts layout), checked against its stored dims. */
export function readOnnxParams(bytes: Uint8Array): { params: Float32Array; dims: number[] } {
  const { dims, schedule, parameterization, objective } = readOnnxMetadata(bytes);
  checkDims(dims);
  // Checked before allocating: the weights are in the file, so a shape larger than the file is a lie.
  const { layers, size } = mlpLayout(dims);
  if (4 * size > bytes.length) throw new RangeError(`the model's dims ${dims.join(",")} need ${4 * size} bytes of weights, more than the file holds`);
  const decoded = ModelProto.toObject(ModelProto.decode(bytes), { defaults: false, longs: Number }) as {
    graph?: { initializer?: Initializer[] };
  };
  const byName = new Map((decoded.graph?.initializer ?? []).map((init) => [init.name, init]));
  const params = new Float32Array(size);
  layers.forEach(({ fanIn, fanOut, weight, bias }, l) => {
    const read = (name: string, shape: number[], offset: number) => {
      const init = byName.get(name);
      const count = shape.reduce((a, b) => a * b, 1);
      if (!init || init.dataType !== FLOAT || !init.rawData || init.rawData.length !== 4 * count ||
        (init.dims ?? []).map(Number).join(",") !== shape.join(",")) {
        throw new RangeError(`the model's ${name} must be a float tensor of shape [${shape.join(", ")}]`);
      }
      const view = new DataView(init.rawData.buffer, init.rawData.byteOffset, init.rawData.length);
      for (let i = 0; i < count; i++) params[offset + i] = view.getFloat32(4 * i, true);
    };
    read(`W${l + 1}`, [fanIn, fanOut], weight);
    read(`b${l + 1}`, [fanOut], bias);
  });
  const again = exportOnnx({ params, dims, parameterization, schedule, objective });
  if (again.length !== bytes.length || again.some((byte, i) => byte !== bytes[i])) {
    throw new RangeError("the model's graph is not chisel's export of its weights (edited?); onnxruntime runs it as written (engine ort)");
  }
  return { params, dims };
}
