/**
 * Subscripts as plain text writes them: "β_T", "ᾱ_t", "x_0" (a letter, an underscore, then one to three
 * letters or digits that end a word). Pages set them as <sub>; the text itself stays text.
 */
const SUBSCRIPT = /(?<=\p{L})_([\p{L}\p{N}]{1,3})(?![\p{L}\p{N}])/gu;

export interface TextPiece {
  text: string;
  /** Whether the piece is a subscript (its underscore dropped). */
  sub: boolean;
}

/** The text in order, split into plain pieces and subscripts. */
export function splitSubscripts(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(SUBSCRIPT)) {
    if (match.index > at) pieces.push({ text: text.slice(at, match.index), sub: false });
    pieces.push({ text: match[1], sub: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), sub: false });
  return pieces;
}
