import { DATASET_NAMES, type DatasetName, fromPairs, makeDataset } from "../../src/core/datasets.js";
import { parsePoints } from "../../src/core/points.js";
import { DEFAULT_K, evaluate, metricFloor, prepareReference } from "../../src/core/metrics.js";
import { evaluateEstimate } from "../../src/core/cost.js";
import { Rng } from "../../src/core/random.js";
import { defineCommand } from "./command.js";
import { SETTINGS } from "../../src/core/settings.js";
import { readFlagFile } from "./files.js";
import { settingFlag, UsageError } from "./flags.js";
import { startJob } from "./progress.js";

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

/** Splits points into two random halves (seeded), for a floor when the reference's generator is unknown. */
function splitHalves(points: Float64Array, seed: number): [Float64Array, Float64Array] {
  const n = points.length / 2;
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const half = Math.floor(n / 2);
  const pick = (indices: number[]) => fromPairs(indices.map((i) => [points[2 * i], points[2 * i + 1]] as [number, number]));
  return [pick(order.slice(0, half)), pick(order.slice(half))];
}

export const evaluateCommand = defineCommand({
  name: "evaluate",
  summary: "Scores samples against a reference: sliced Wasserstein, MMD², precision, coverage, and their floor.",
  flags: {
    samples: { type: "string", required: true, help: "samples: output of `chisel sample`, a [[x, y], …] JSON, or x,y CSV" },
    reference: {
      type: "string", required: true,
      help: "reference points; from `chisel dataset` the floor uses fresh draws of that dataset, else split halves",
    },
    seed: settingFlag(SETTINGS.samplingSeed, { help: "seed of the SWD directions" }),
  },
  async run(flags) {
    const samples = await readPointFile("samples", flags.samples!);
    const reference = await readPointFile("reference", flags.reference!);
    // Precision and coverage need each reference point's DEFAULT_K-th neighbour; a split-half floor
    // scores one half against the other, so each half needs that many too.
    const referenceCount = reference.points.length / 2;
    const least = reference.dataset ? DEFAULT_K + 1 : 2 * (DEFAULT_K + 1);
    if (referenceCount < least) {
      const why = reference.dataset ? "" : ` (${DEFAULT_K + 1} in each half for the split-half floor)`;
      throw new UsageError(`--reference needs at least ${least} points${why}, got ${referenceCount}`);
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
      return { n, referenceN: referenceCount, ...scores, floor };
    } finally {
      progress?.done();
    }
  },
});
