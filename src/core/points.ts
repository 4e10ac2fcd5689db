/**
 * Points a user brings, as text: a CSV of x,y rows or a JSON array of [x, y] pairs, checked row by row.
 * Apart from datasets.ts so that pages drawing the built-in datasets do not load the parser.
 */
import { MAX_POINTS, parseDecimal } from "./settings.js";

/**
 * The largest |x| or |y| a points file may hold: the largest whose squared distances, summed over 10⁵
 * points, stay finite in float64 (4·10³⁰⁰ · 10⁵ < 1.8·10³⁰⁸), so every metric of them is a number (a
 * point at ±1e308 made the sliced Wasserstein distance NaN). Not smaller: a sampler that diverges at few
 * steps writes samples in the millions, and a report's pages and `evaluate` must read them back.
 */
export const MAX_COORDINATE = 1e150;
const COORDINATE_RANGE = "within ±1e150";

const ROW_RANGE = `1 to ${MAX_POINTS.toLocaleString("en-US")} rows`;
const CSV_HEADER = /^\s*"?x"?\s*,\s*"?y"?\s*$/i;

/**
 * Parses user points. CSV: one "x,y" row per line, an optional "x,y" header, blank lines ignored.
 * JSON: [[x, y], …] or {"points": [[x, y], …]}. Every coordinate must lie within ±MAX_COORDINATE.
 * Throws a one-line RangeError naming the problem, the row and the allowed range.
 */
export function parsePoints(text: string, format: "csv" | "json"): Float64Array {
  if (typeof text !== "string") throw new RangeError(`points: text must be a string, got ${typeof text}`);
  if (format === "csv") return parseCsv(text);
  if (format === "json") return parseJson(text);
  throw new RangeError(`points format must be "csv" or "json", got ${format}`);
}

function checkRowCount(rows: number): void {
  if (rows < 1 || rows > MAX_POINTS) {
    throw new RangeError(`points: got ${rows.toLocaleString("en-US")} rows, need ${ROW_RANGE}`);
  }
}

function parseCsv(text: string): Float64Array {
  const lines = text.split(/\r\n|\n|\r/);
  const values: number[] = [];
  let first = true;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].trim();
    if (line === "") continue;
    if (first) {
      first = false;
      if (CSV_HEADER.test(line)) continue; // only the first non-blank line may be a header
    }
    if (values.length === 2 * MAX_POINTS) checkRowCount(MAX_POINTS + 1 + countNonBlank(lines, l + 1));
    const cells = line.split(",");
    if (cells.length !== 2) {
      throw new RangeError(`points: line ${l + 1} has ${cells.length} column${cells.length === 1 ? "" : "s"}, need exactly 2 (x,y)`);
    }
    for (let c = 0; c < 2; c++) {
      const cell = cells[c].trim();
      const value = parseDecimal(cell);
      if (!Number.isFinite(value)) {
        throw new RangeError(
          `points: line ${l + 1}, column ${c + 1} is ${show(cell)}, need a finite decimal number`,
        );
      }
      if (Math.abs(value) > MAX_COORDINATE) {
        throw new RangeError(`points: line ${l + 1}, column ${c + 1} is ${show(cell)}, need a number ${COORDINATE_RANGE}`);
      }
      values.push(value);
    }
  }
  checkRowCount(values.length / 2);
  return Float64Array.from(values);
}

function countNonBlank(lines: string[], from: number): number {
  let count = 0;
  for (let l = from; l < lines.length; l++) if (lines[l].trim() !== "") count++;
  return count;
}

function parseJson(text: string): Float64Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new RangeError(`points: invalid JSON (${reason}), need [[x, y], …] or {"points": [[x, y], …]}`);
  }
  const rows = Array.isArray(parsed)
    ? parsed
    : parsed !== null && typeof parsed === "object" && Array.isArray((parsed as { points?: unknown }).points)
    ? (parsed as { points: unknown[] }).points
    : undefined;
  if (rows === undefined) throw new RangeError(`points: JSON must be [[x, y], …] or {"points": [[x, y], …]}`);
  checkRowCount(rows.length);
  const out = new Float64Array(2 * rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row) || row.length !== 2) {
      const got = Array.isArray(row) ? `has ${row.length} value${row.length === 1 ? "" : "s"}` : `is ${show(row)}`;
      throw new RangeError(`points: points[${i}] ${got}, need exactly 2 numbers [x, y]`);
    }
    for (let c = 0; c < 2; c++) {
      const value: unknown = row[c];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new RangeError(`points: points[${i}][${c}] is ${show(value)}, need a finite number`);
      }
      if (Math.abs(value) > MAX_COORDINATE) {
        throw new RangeError(`points: points[${i}][${c}] is ${show(value)}, need a number ${COORDINATE_RANGE}`);
      }
      out[2 * i + c] = value;
    }
  }
  return out;
}

/** A JSON value in a one-line message: short, and 1e999 shown as Infinity rather than null. */
function show(value: unknown): string {
  const text = typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
