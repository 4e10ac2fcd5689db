/** Readable names of the datasets, for headings and prose: the registry's labels (core/settings.ts). */
import { SETTINGS } from "../core/settings.js";

export const DATASET_LABELS = SETTINGS.datasetName.labels;
