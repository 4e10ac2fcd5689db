/**
 * Untrusted text (from a report config, a manifest, any file) as it may appear in a Markdown page that
 * Framework renders: every character outside a small safe set becomes a numeric HTML entity. Entities
 * are text to Markdown and to Framework's `${…}` scanner, and decode to the same characters in the
 * browser (but NUL, C1 controls and lone surrogates, which HTML maps to other characters), so the
 * words read the same while no fence, tag, attribute quote, `${`, backslash escape,
 * link, emphasis or line break can come from the text. Safe: letters, digits, space and , . - / ( ) =,
 * none of which starts anything in Markdown in the middle of a line (and the text never starts a line:
 * the page puts it inside a tag).
 */
import { splitSubscripts } from "../../core/subscripts.js";

const SAFE = /^[\p{L}\p{N} ,.\-/()=]$/u;

/** Any text as inert page text, newlines included (they become &#10;, which HTML shows as a space). */
export function inertText(text: string): string {
  let out = "";
  // for…of walks code points, so a character outside the BMP is one entity, not two halves.
  for (const c of String(text)) out += SAFE.test(c) ? c : `&#${c.codePointAt(0)};`;
  return out;
}

/** Text for a one-line place (a title, a table cell): runs of whitespace become one space, then inert. */
export function inertLine(text: string): string {
  return inertText(String(text).replace(/\s+/g, " ").trim());
}

/**
 * Prose with the subscripts a plain-text config writes as "β_T", "ᾱ_t" or "x_0" (core/subscripts.ts)
 * set as <sub>: each piece is made inert on its own, and only the <sub> tags are written here.
 */
export function inertProse(text: string): string {
  return splitSubscripts(String(text).replace(/\s+/g, " ").trim())
    .map((piece) => (piece.sub ? `<sub>${inertText(piece.text)}</sub>` : inertText(piece.text)))
    .join("");
}
