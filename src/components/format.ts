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
  return powerForm(x, digits);
}

/** "4.04×10⁻⁵": `digits` significant digits of the mantissa, trailing zeros dropped. */
function powerForm(x: number, digits: number): string {
  const [mantissa, exponent] = x.toExponential(digits - 1).split("e");
  return `${minus(String(Number(mantissa)))}×10${superscript(Number(exponent))}`;
}

/** A typographic minus sign, as in the page's math. */
function minus(text: string): string {
  return text.replace("-", "−");
}

/**
 * Tick labels for a log axis: plain decimals ("0.02", "300"), or powers of ten ("10⁻⁴", "2×10⁴") outside
 * 0.001 … 10,000, never SI prefixes, which read as units ("20m" as twenty metres). The decimals stop a
 * decade earlier than formatSig's, so that an axis reads "1000, 10⁴, 10⁵" rather than "10000, 10⁵",
 * and both ends of the decimal range are three zeros. Plot passes it to the log scale's own tick
 * format, which still leaves all but a few ticks per decade unlabelled.
 */
export function logTickFormat(x: number): string {
  // Decided after rounding to the label's two digits, so 9,990 (which prints as 10⁴) is a power too.
  const text = Math.abs(Number(x.toPrecision(2))) >= 1e4 && Number.isFinite(x) ? powerForm(x, 2) : formatSig(x, 2);
  return text.replace(/^(−?)1×10/, (_, sign) => `${sign}10`);
}

function superscript(exponent: number): string {
  return String(exponent).replace(/./g, (c) => SUPERSCRIPT[c]);
}
