/**
 * How closely one vector field follows another at the same points: what a trained network's field has
 * of the exact one (the oracle's, oracle.ts and flow/oracleVelocity.ts). Medians, so that the few
 * points where either field is near zero, and its direction arbitrary, do not dominate.
 */

import { quantile } from "./quantile.js";

export interface FieldAgreement {
  /** Median angle between the two arrows at a point, in degrees (0 … 180). */
  medianAngle: number;
  /** Median of |field| / |exact|. */
  medianRatio: number;
}

/** Compares `field` with `exact`, interleaved vectors at the same points; points where either is zero are left out. */
export function fieldAgreement(field: ArrayLike<number>, exact: ArrayLike<number>): FieldAgreement {
  if (field.length !== exact.length || field.length % 2 !== 0) {
    throw new RangeError(`field and exact must have equal, even lengths, got ${field.length} and ${exact.length}`);
  }
  const angles: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < field.length; i += 2) {
    const [ax, ay, bx, by] = [field[i], field[i + 1], exact[i], exact[i + 1]];
    const a = Math.hypot(ax, ay);
    const b = Math.hypot(bx, by);
    if (!(a > 0 && b > 0)) continue;
    angles.push((Math.abs(Math.atan2(ax * by - ay * bx, ax * bx + ay * by)) * 180) / Math.PI);
    ratios.push(a / b);
  }
  return { medianAngle: quantile(angles, 0.5), medianRatio: quantile(ratios, 0.5) };
}
