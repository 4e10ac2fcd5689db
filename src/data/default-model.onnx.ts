// The default run's final model as ONNX, for onnxruntime-web on the sampling page.
import process from "node:process";
import { defaultModelOnnx } from "./views/sampling.js";

process.stdout.write(await defaultModelOnnx());
