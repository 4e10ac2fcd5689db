// Reverse-process trajectories of the default model (x_t and x̂_0 per frame), as a float32 bundle.
import process from "node:process";
import { trajectories } from "./views/trajectories.js";

process.stdout.write(await trajectories());
