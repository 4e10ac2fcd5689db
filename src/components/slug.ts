/**
 * Names for saved files and report configs, from words and file names. Apart from reportConfigButton.ts,
 * whose CLI check loads zod, so that a page naming its report config (samplingState.ts) does not preload
 * zod with its first view.
 */

/** A slug from words: lowercase a-z, 0-9 and single dashes. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** A path's file name without its folders and extension: "data/datasets/moons.v2.csv" → "moons.v2". */
export function baseName(path: string): string {
  return path.replace(/^.*\//, "").replace(/\.[^.]*$/, "");
}
