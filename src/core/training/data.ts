/**
 * The points a run trains on. A built-in set is drawn from its settings; a points file's are read and
 * normalised by the shell (io/datasetFile.ts) and handed in, since the core reads no files. Its
 * checkpoints are scored on the same points (see evaluation.ts): a file has no fresh draws.
 */
import { makeDataset } from "../datasets.js";
import { Rng } from "../random.js";
import { isFileDataset, type TrainConfig } from "./config.js";

/** The training points of `dataset`: its file's `filePoints` (required then, refused otherwise), or the built-in draw. */
export function trainingPoints(dataset: TrainConfig["dataset"], filePoints?: Float64Array): Float64Array {
  if (isFileDataset(dataset)) {
    if (filePoints === undefined) throw new RangeError(`dataset.file ${dataset.file}: its points were not given: read the file first (io/datasetFile.ts)`);
    if (filePoints.length < 2 || filePoints.length % 2 !== 0) {
      throw new RangeError(`dataset.file ${dataset.file}: points must be interleaved x, y pairs, got ${filePoints.length} values`);
    }
    return filePoints;
  }
  if (filePoints !== undefined) throw new RangeError(`points were given for the built-in dataset ${dataset.name}, which draws its own`);
  const { name, n, seed, noise } = dataset;
  return makeDataset(name, { n, seed, noise });
}

/** `count` points drawn uniformly, with replacement, from `points` by Rng(seed). */
export function resamplePoints(points: Float64Array, count: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const n = points.length / 2;
  const out = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    const j = rng.int(n);
    out[2 * i] = points[2 * j];
    out[2 * i + 1] = points[2 * j + 1];
  }
  return out;
}
