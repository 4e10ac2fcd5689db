import { type DatasetName, makeDataset } from "../../src/core/datasets.js";
import { SETTINGS } from "../../src/core/settings.js";
import { defineCommand } from "./command.js";
import { pairs } from "./common.js";
import { settingFlag } from "./flags.js";

export const datasetCommand = defineCommand({
  name: "dataset",
  summary: "Draws a seeded 2D dataset and prints its points.",
  flags: {
    name: settingFlag(SETTINGS.datasetName),
    n: settingFlag(SETTINGS.datasetN),
    seed: settingFlag(SETTINGS.datasetSeed),
    noise: settingFlag(SETTINGS.datasetNoise),
  },
  run(flags) {
    const name = flags.name as DatasetName;
    const points = makeDataset(name, { n: flags.n, seed: flags.seed, noise: flags.noise });
    return { name, n: flags.n, seed: flags.seed, noise: flags.noise ?? null, points: pairs(points) };
  },
});
