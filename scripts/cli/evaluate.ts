import { DATASET_NAMES, type DatasetName, makeDataset } from "../../src/core/datasets.js";
import { parsePoints } from "../../src/core/points.js";
import { DEFAULT_K, evaluate, metricFloor, prepareReference } from "../../src/core/metrics.js";
import { evaluateEstimate } from "../../src/core/cost.js";
import { splitHalves } from "../../src/core/splitHalf.js";
import { defineCommand } from "./command.js";
import { SETTINGS } from "../../src/core/settings.js";
import { readFlagFile } from "./files.js";
import { settingFlag, UsageError } from "./flags.js";
import { startJob } from "./progress.js";
import { dataFlag, describeData, readDataFlag } from "./dataFlag.js";

/** Fresh draws of the reference's dataset that the floor averages over (metricFloor's default). */
const FLOOR_DRAWS = 3;

/** A point file as read: its points, and the dataset that drew them when the file says so. */
interface PointFile {
  points: Float64Array;
  dataset?: { name: DatasetName; seed: number; noise?: number };
}

/**
 * Reads points from the output of `chisel sample` ({samples}), `chisel dataset` ({name, seed, points}),
 * a bare [[x, y], …] JSON array, or a CSV of x,y rows: a regular file of at most READ_LIMITS.points
 * bytes, holding at most MAX_POINTS points (parsePoints counts them).
 */
async function readPointFile(flag: string, path: string): Promise<PointFile> {
  const text = await readFlagFile(flag, path, "points");
  try {
    if (!path.toLowerCase().endsWith(".json") && !/^\s*[[{]/.test(text)) return { points: parsePoints(text, "csv") };
    const document = JSON.parse(text);
    if (document && typeof document === "object" && !Array.isArray(document) && "samples" in document) {
      return { points: parsePoints(JSON.stringify(document.samples), "json") };
    }
    const points = parsePoints(text, "json");
    const { name, seed, noise } = document as { name?: unknown; seed?: unknown; noise?: unknown };
    const known = typeof name === "string" && (DATASET_NAMES as readonly string[]).includes(name) &&
      Number.isInteger(seed);
    return known
      ? { points, dataset: { name: name as DatasetName, seed: seed as number, noise: typeof noise === "number" ? noise : undefined } }
      : { points };
  } catch (error) {
    const message = error instanceof SyntaxError ? `not valid JSON (${error.message})` : (error as Error).message;
    throw new UsageError(`--${flag} ${path}: ${message}`);
  }
}

export const evaluateCommand = defineCommand({
  name: "evaluate",
  summary: "Scores samples against a reference: sliced Wasserstein, MMD², precision, coverage, and their floor.",
  flags: {
    samples: { type: "string", required: true, help: "samples: output of `chisel sample`, a [[x, y], …] JSON, or x,y CSV" },
    reference: {
      type: "string",
      help: "reference points as they are; from `chisel dataset` the floor uses fresh draws of that dataset, else split halves",
    },
    data: dataFlag("as the reference, normalised as `train --data` trains on it, in place of --reference; the floor is split-half"),
    seed: settingFlag(SETTINGS.samplingSeed, { help: "seed of the SWD directions" }),
  },
  async run(flags) {
    if ((flags.reference === undefined) === (flags.data === undefined)) throw new UsageError("give either --reference FILE or --data FILE");
    const samples = await readPointFile("samples", flags.samples!);
    const data = flags.data === undefined ? undefined : await readDataFlag(flags.data);
    const reference: PointFile = data ? { points: data.points } : await readPointFile("reference", flags.reference!);
    // Precision and coverage need each reference point's DEFAULT_K-th neighbour; a split-half floor
    // scores one half against the other, so each half needs that many too.
    const referenceCount = reference.points.length / 2;
    const least = reference.dataset ? DEFAULT_K + 1 : 2 * (DEFAULT_K + 1);
    if (referenceCount < least) {
      const why = reference.dataset ? "" : ` (${DEFAULT_K + 1} in each half for the split-half floor)`;
      throw new UsageError(`--${data ? "data" : "reference"} needs at least ${least} points${why}, got ${referenceCount}`);
    }
    const options = { seed: flags.seed };
    const n = samples.points.length / 2;
    // The pairwise work is O(n² + n·m + m²): say how long it will take, and show each stage as it ends.
    const estimate = evaluateEstimate({ n, m: referenceCount, floor: reference.dataset ? { draws: FLOOR_DRAWS } : "split-half" });
    const progress = startJob(estimate, estimate.seconds);
    let done = 0;
    const finished = (seconds: number) => {
      done += seconds;
      progress?.update(done, estimate.seconds);
    };
    try {
      const prepared = prepareReference(reference.points);
      finished(estimate.stages.prepare);
      const scores = evaluate(samples.points, prepared, options);
      finished(estimate.stages.score);
      let floor;
      if (reference.dataset) {
        // Independent draws of the reference's own dataset, as many points as there are samples.
        const { name, seed, noise } = reference.dataset;
        const draw = (d: number) => {
          finished(estimate.stages.floor[d - 1]); // the floor's own preparation, then each draw before this one
          return makeDataset(name, { n, seed: seed + d, noise });
        };
        floor = { method: "fresh-draws", ...metricFloor(reference.points, draw, { ...options, draws: FLOOR_DRAWS }) };
      } else {
        const [a, b] = splitHalves(reference.points, flags.seed!);
        floor = { method: "split-half", ...evaluate(b.length / 2 > n ? b.subarray(0, 2 * n) : b, a, options) };
      }
      progress?.update(estimate.seconds, estimate.seconds);
      return { n, referenceN: referenceCount, ...(data ? { data: describeData(flags.data!, data) } : {}), ...scores, floor };
    } finally {
      progress?.done();
    }
  },
});
