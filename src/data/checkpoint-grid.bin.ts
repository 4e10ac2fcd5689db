// Samples from every training checkpoint of the default run at 10, 50 and 1000 steps, as a float32 bundle.
import process from "node:process";
import { checkpointGrid } from "./views/trajectories.js";

process.stdout.write(await checkpointGrid());
