// The sampling page's default three panels (T = 10, 50, 1000 from one x_T), as a float32 bundle.
import process from "node:process";
import { defaultSamplingView } from "./views/sampling.js";

process.stdout.write(await defaultSamplingView());
