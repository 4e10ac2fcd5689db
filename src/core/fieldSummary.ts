/**
 * What the Fields page says about a frame, in numbers: how long the learned arrows are, and how they
 * compare with the exact field of the training data near the data and far from it. Near and far are
 * told by each grid point's distance to its nearest data point: training shows the network x_t only
 * within a few noise deviations of the data, so far from it at small t the network extrapolates.
 */

import { quantile } from "./quantile.js";
import { nearestIndices } from "./curvePosition.js";
import { type FieldAgreement, fieldAgreement } from "./fieldAgreement.js";

/** Grid points within this distance of a data point count as near it; beyond FAR_FROM_DATA, as far. */
export const NEAR_DATA = 0.25;
export const FAR_FROM_DATA = 1;

export interface FrameSummary {
  /** Median |field| over the grid. */
  medianMagnitude: number;
  /** The learned field against the exact one: over the whole grid, near the data, far from it. */
  all: FieldAgreement;
  near: FieldAgreement & { points: number };
  far: FieldAgreement & { points: number };
}

/** Each point's distance to its nearest data point. */
export function distancesToData(points: Float64Array, data: Float64Array): Float64Array {
  const nearest = nearestIndices(points, data);
  return Float64Array.from(nearest, (j, i) => Math.hypot(points[2 * i] - data[2 * j], points[2 * i + 1] - data[2 * j + 1]));
}

function pick(vectors: ArrayLike<number>, indices: number[]): Float64Array {
  return Float64Array.from(indices.flatMap((i) => [vectors[2 * i], vectors[2 * i + 1]]));
}

/** Summarises `field` (learned) and `exact` at the grid points whose distances to the data are `distances`. */
export function summarizeFrame(field: ArrayLike<number>, exact: ArrayLike<number>, distances: ArrayLike<number>): FrameSummary {
  if (field.length !== 2 * distances.length) throw new RangeError(`distances must have one value per point (${field.length / 2}), got ${distances.length}`);
  const indices = Array.from(distances, (_, i) => i);
  const near = indices.filter((i) => distances[i] < NEAR_DATA);
  const far = indices.filter((i) => distances[i] > FAR_FROM_DATA);
  const magnitudes = indices.map((i) => Math.hypot(field[2 * i], field[2 * i + 1]));
  return {
    medianMagnitude: quantile(magnitudes, 0.5),
    all: fieldAgreement(field, exact),
    near: { ...fieldAgreement(pick(field, near), pick(exact, near)), points: near.length },
    far: { ...fieldAgreement(pick(field, far), pick(exact, far)), points: far.length },
  };
}
