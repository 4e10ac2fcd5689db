/** Readable names of the datasets, for headings and prose. */

import type { DatasetName } from "../core/datasets.js";

export const DATASET_LABELS: Record<DatasetName, string> = {
  spiral: "spiral",
  blob: "Gaussian blob",
  moons: "two moons",
  gaussians8: "eight Gaussians",
  ring: "ring",
  checkerboard: "checkerboard",
};
