/** The optimizer's learning-rate schedule: warm-up, then constant or cosine decay. */
import type { TrainConfig } from "./config.js";

/**
 * The learning rate of update k (0-based): linear warm-up to lr over `warmup` updates, then constant
 * or a half cosine that ends near 0 (never at it: the last update still gets lr·(1 − cos(π/n))/2).
 */
export function learningRate(training: TrainConfig["training"], k: number): number {
  const { lr, lrSchedule, warmup, steps } = training;
  if (!Number.isInteger(k) || k < 0 || k >= steps) {
    throw new RangeError(`k must be an integer from 0 to ${steps - 1}, got ${k}`);
  }
  if (k < warmup) return (lr * (k + 1)) / warmup;
  if (lrSchedule === "constant") return lr;
  const progress = (k - warmup) / (steps - warmup);
  return 0.5 * lr * (1 + Math.cos(Math.PI * progress));
}
