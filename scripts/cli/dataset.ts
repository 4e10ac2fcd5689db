import { type DatasetName, makeDataset } from "../../src/core/datasets.js";
import { SETTINGS } from "../../src/core/settings.js";
import { defineCommand } from "./command.js";
import { pairs } from "./common.js";
import { dataFlag, describeData, readDataFlag } from "./dataFlag.js";
import { settingFlag, UsageError } from "./flags.js";

/** The settings of a built-in set, by flag. */
const BUILT_IN = { name: SETTINGS.datasetName, n: SETTINGS.datasetN, seed: SETTINGS.datasetSeed, noise: SETTINGS.datasetNoise };

export const datasetCommand = defineCommand({
  name: "dataset",
  summary: "Draws a seeded 2D dataset, or reads and normalises a points file (--data), and prints its points.",
  flags: {
    name: settingFlag(BUILT_IN.name),
    n: settingFlag(BUILT_IN.n),
    seed: settingFlag(BUILT_IN.seed),
    noise: settingFlag(BUILT_IN.noise),
    // The points `train --data` would train on, and how they were normalised, before any training.
    data: dataFlag("to read instead of drawing a built-in set: prints the points as training sees them"),
  },
  async run(flags) {
    if (flags.data !== undefined) {
      // --name, --n and --seed have defaults, so only a value other than the default is known to be typed.
      const given = Object.entries(BUILT_IN).find(([flag, setting]) => {
        const value = flags[flag as keyof typeof BUILT_IN];
        return value !== undefined && value !== ("default" in setting ? setting.default : undefined);
      })?.[0];
      if (given) throw new UsageError(`--${given} cannot be combined with --data: the file brings its own points`);
      const file = await readDataFlag(flags.data);
      return { ...describeData(flags.data, file), points: pairs(file.points) };
    }
    const name = flags.name as DatasetName;
    const points = makeDataset(name, { n: flags.n, seed: flags.seed, noise: flags.noise });
    return { name, n: flags.n, seed: flags.seed, noise: flags.noise ?? null, points: pairs(points) };
  },
});
