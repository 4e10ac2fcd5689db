import { DATASET_NAMES, type DatasetName, makeDataset } from "../../src/core/datasets.js";
import { defineCommand } from "./command.js";
import { pairs } from "./common.js";

export const datasetCommand = defineCommand({
  name: "dataset",
  summary: "Draws a seeded 2D dataset and prints its points.",
  flags: {
    name: { type: "choice", choices: DATASET_NAMES, default: "spiral", help: "which dataset" },
    n: { type: "number", integer: true, min: 1, max: 100_000, default: 2048, help: "number of points" },
    seed: { type: "number", integer: true, min: 0, max: 2 ** 32 - 1, default: 0, help: "random seed" },
    noise: { type: "number", min: 0, max: 10, help: "noise level around the shape (dataset default if omitted)" },
  },
  run(flags) {
    const name = flags.name as DatasetName;
    const points = makeDataset(name, { n: flags.n, seed: flags.seed, noise: flags.noise });
    return { name, n: flags.n, seed: flags.seed, noise: flags.noise ?? null, points: pairs(points) };
  },
});
