/**
 * A report name from words. Apart from reportConfigButton.ts, whose CLI check loads zod, so that a page
 * naming its report config (samplingState.ts) does not preload zod with its first view.
 */

/** A slug from words: lowercase a-z, 0-9 and single dashes. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
