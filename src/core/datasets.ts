/**
 * Seeded 2D toy datasets and validated user points.
 *
 * Every dataset is an i.i.d. sample: point = scale · (clean shape) + noise · N(0, I). The shapes are
 * sized so that all of them are roughly zero-mean and lie in about [−1.5, 1.5]², so one noise schedule
 * (ᾱ_T ≈ 0 against unit-scale data) fits them all:
 *
 *   spiral        Archimedean r = aθ, θ ∈ [0, M], M = 2π·turns, a = 1.5 / M: radius ≤ 1.5, then shifted by
 *                 its centroid (closed form) so it is zero-mean; with 2 turns it lies in [−1.35, 1.6]². θ = M √u
 *                 puts points evenly along the arc (arc length ∝ θ² past the first radian). noise 0.05.
 *   blob          N(0, 0.5² I). noise 0 (any jitter adds in quadrature).
 *   moons         scikit-learn's two moons shifted by (−0.5, −0.25): x ∈ [−1.5, 1.5], y ∈ [−0.75, 0.75]. noise 0.05.
 *   gaussians8    8 Gaussians centred on the unit circle at angles kπ/4; noise (their std) 0.1.
 *   ring          the unit circle. noise 0.05.
 *   checkerboard  uniform on the 8 dark cells of a 4×4 board covering [−1.5, 1.5]². noise 0.
 */

import { Rng } from "./random.js";
import { checkSetting, DATASET_NAMES, type DatasetName, SETTINGS } from "./settings.js";

export { DATASET_NAMES, type DatasetName };
const DEFAULT_N = SETTINGS.datasetN.default;
export const MAX_TURNS = 10;

export interface DatasetOptions {
  /** Number of points, 1 to MAX_POINTS (default 2048). */
  n?: number;
  /** Integer seed of the Rng (default 0). */
  seed?: number;
  /** Std of the isotropic Gaussian jitter added after scaling (default per dataset, see above). */
  noise?: number;
  /** Spiral only: number of turns, in (0, MAX_TURNS] (default 2). */
  turns?: number;
  /** Multiplies the clean shape (default 1). */
  scale?: number;
}

const DEFAULT_NOISE: Record<DatasetName, number> = {
  spiral: 0.05,
  blob: 0,
  moons: 0.05,
  gaussians8: 0.1,
  ring: 0.05,
  checkerboard: 0,
};

const SPIRAL_RADIUS = 1.5;
const BLOB_STD = 0.5;
const CHECKER_CELL = 0.75;

/** A clean (noise-free, unscaled) point written into out[2i], out[2i + 1]. */
type ShapeSampler = (rng: Rng, out: Float64Array, i: number) => void;

function shapeSampler(name: DatasetName, turns: number): ShapeSampler {
  switch (name) {
    case "spiral": {
      const M = 2 * Math.PI * turns;
      const a = SPIRAL_RADIUS / M;
      // θ has density 2θ/M² on [0, M], so the centroid is (2a/M²) ∫₀^M θ² (cos θ, sin θ) dθ.
      const centerX = ((2 * a) / (M * M)) * (M * M * Math.sin(M) + 2 * M * Math.cos(M) - 2 * Math.sin(M));
      const centerY = ((2 * a) / (M * M)) * (-M * M * Math.cos(M) + 2 * M * Math.sin(M) + 2 * Math.cos(M) - 2);
      return (rng, out, i) => {
        const theta = M * Math.sqrt(rng.uniform());
        out[2 * i] = a * theta * Math.cos(theta) - centerX;
        out[2 * i + 1] = a * theta * Math.sin(theta) - centerY;
      };
    }
    case "blob":
      return (rng, out, i) => {
        out[2 * i] = BLOB_STD * rng.normal();
        out[2 * i + 1] = BLOB_STD * rng.normal();
      };
    case "moons":
      // Upper moon (cos θ, sin θ), lower moon (1 − cos θ, 0.5 − sin θ), θ ∈ [0, π]; centred on (0.5, 0.25).
      return (rng, out, i) => {
        const upper = rng.uniform() < 0.5;
        const theta = Math.PI * rng.uniform();
        out[2 * i] = (upper ? Math.cos(theta) : 1 - Math.cos(theta)) - 0.5;
        out[2 * i + 1] = (upper ? Math.sin(theta) : 0.5 - Math.sin(theta)) - 0.25;
      };
    case "gaussians8":
      return (rng, out, i) => {
        const angle = (rng.int(8) * Math.PI) / 4;
        out[2 * i] = Math.cos(angle);
        out[2 * i + 1] = Math.sin(angle);
      };
    case "ring":
      return (rng, out, i) => {
        const angle = 2 * Math.PI * rng.uniform();
        out[2 * i] = Math.cos(angle);
        out[2 * i + 1] = Math.sin(angle);
      };
    case "checkerboard":
      // Columns cx and rows cy in {−2, −1, 0, 1}; a cell is dark when cx + cy is even.
      return (rng, out, i) => {
        const x = 4 * rng.uniform() - 2;
        const cx = Math.floor(x);
        const cy = 2 * rng.int(2) - 2 + (((cx % 2) + 2) % 2);
        out[2 * i] = CHECKER_CELL * x;
        out[2 * i + 1] = CHECKER_CELL * (cy + rng.uniform());
      };
  }
}

/** n points of a named dataset as an interleaved Float64Array [x0, y0, x1, y1, …]. */
export function makeDataset(name: DatasetName, options: DatasetOptions = {}): Float64Array {
  if (!DATASET_NAMES.includes(name)) {
    throw new RangeError(`dataset must be one of ${DATASET_NAMES.join(", ")}, got ${name}`);
  }
  const { n = DEFAULT_N, seed = 0, noise = DEFAULT_NOISE[name], turns = 2, scale = 1 } = options;
  checkSetting("n", SETTINGS.datasetN, n);
  // Any integer seeds the Rng: internal draws (the evaluation set) sit past the seeds users may choose.
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  checkSetting("noise", SETTINGS.datasetNoise, noise);
  if (!(Number.isFinite(turns) && turns > 0 && turns <= MAX_TURNS)) {
    throw new RangeError(`turns must be in (0, ${MAX_TURNS}], got ${turns}`);
  }
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`scale must be a finite number > 0, got ${scale}`);

  const rng = new Rng(seed);
  const sample = shapeSampler(name, turns);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    sample(rng, out, i);
    out[2 * i] = scale * out[2 * i] + (noise > 0 ? noise * rng.normal() : 0);
    out[2 * i + 1] = scale * out[2 * i + 1] + (noise > 0 ? noise * rng.normal() : 0);
  }
  return out;
}

/** Interleaved points as [x, y] pairs (for Plot marks and JSON export). */
export function toPairs(points: Float64Array): [number, number][] {
  if (points.length % 2 !== 0) throw new RangeError(`points must have an even length, got ${points.length}`);
  const pairs: [number, number][] = new Array(points.length / 2);
  for (let i = 0; i < pairs.length; i++) pairs[i] = [points[2 * i], points[2 * i + 1]];
  return pairs;
}

/** [x, y] pairs as interleaved points. */
export function fromPairs(pairs: ArrayLike<readonly [number, number]>): Float64Array {
  const out = new Float64Array(2 * pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    out[2 * i] = pairs[i][0];
    out[2 * i + 1] = pairs[i][1];
  }
  return out;
}
