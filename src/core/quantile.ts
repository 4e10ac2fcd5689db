/** The q-quantile of a sample by nearest rank: the smallest value with at least q·n values at or below it. */

/** The q-quantile of the values (the nearest rank at or above q·n), NaNs ignored; NaN when none are left. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
