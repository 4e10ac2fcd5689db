/**
 * Number formatting for readouts: schedule values span 1 down to 1e-300, so a fixed number of
 * decimals would print most of them as 0. Small and large values switch to a × 10ⁿ form.
 */

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * `digits` significant digits, trailing zeros dropped; |x| < 0.001 or ≥ 100,000 as "4.04×10⁻⁵".
 * ∞ and NaN print as "∞", "−∞" and "—" so a readout never shows "NaN".
 */
export function formatSig(x: number, digits = 3): string {
  if (Number.isNaN(x)) return "—";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e5) return minus(String(Number(x.toPrecision(digits))));
  const [mantissa, exponent] = x.toExponential(digits - 1).split("e");
  const power = superscript(Number(exponent));
  return `${minus(String(Number(mantissa)))}×10${power}`;
}

/** A typographic minus sign, as in the page's math. */
function minus(text: string): string {
  return text.replace("-", "−");
}

/**
 * Tick labels for a log axis: plain decimals ("0.02", "300"), or powers of ten ("10⁻⁴", "2×10⁵") outside
 * 0.001 … 100,000, never SI prefixes, which read as units ("20m" as twenty metres). Plot passes it to the
 * log scale's own tick format, which still leaves all but a few ticks per decade unlabelled.
 */
export function logTickFormat(x: number): string {
  const text = formatSig(x, 2);
  return text.startsWith("1×10") ? text.slice(2) : text;
}

function superscript(exponent: number): string {
  return String(exponent).replace(/./g, (c) => SUPERSCRIPT[c]);
}
