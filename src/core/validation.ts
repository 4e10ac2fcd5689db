/**
 * One-line messages for a config that fails its zod schema: the first problem, with its JSON path,
 * the allowed range and the offending value, as every config reader in chisel reports it.
 */
import type { z } from "zod";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** "training.checkpoints[2]" from ["training", "checkpoints", 2]. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += `${out === "" ? "" : "."}${key}`;
    else out += `[${showValue(String(key))}]`; // "", "a b", "x\ny": quoted, so the path stays one readable line
  }
  return out;
}

/** A JSON value in a one-line message: short, and undefined shown as "nothing". */
export function showValue(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The keys an object schema allows at `path`, looking through defaults, optionals, pipes and arrays. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  // deno-lint-ignore no-explicit-any
  let def: any = schema.def;
  let i = 0;
  while (def) {
    if (def.type === "object") {
      if (i === path.length) return Object.keys(def.shape);
      def = def.shape[path[i++] as string]?.def;
    } else if (def.type === "array" || def.type === "record") {
      i++;
      def = (def.element ?? def.valueType)?.def;
    } else def = (def.innerType ?? def.in)?.def;
  }
  return undefined;
}

/** The one-line message for a zod failure: the first issue, with its JSON path and the offending value. */
export function describeIssue(error: z.ZodError, json: unknown, schema: z.ZodType, root: string): string {
  const issue = error.issues[0];
  const path = issue.path as PropertyKey[];
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeys(schema, path);
    const where = jsonPath([...path, issue.keys[0]]);
    return `${where}: unknown key${allowed ? ` (allowed: ${allowed.join(", ")})` : ""}`;
  }
  return `${path.length === 0 ? root : jsonPath(path)}: ${issue.message}, got ${showValue(valueAt(json, path))}`;
}

/**
 * The first number in a JSON-bound document that is NaN or infinite, with its JSON path ("floor.swd",
 * "samples[3][0]"; "" for the document itself): JSON.stringify writes such a number as null, so the
 * output would silently hold null where it promises a number. Walks arrays, typed arrays and plain
 * objects depth first, in the order JSON.stringify writes them.
 */
export function firstNonFinite(document: unknown): { path: string; value: number } | undefined {
  const path: PropertyKey[] = [];
  const visit = (value: unknown): number | undefined => {
    if (typeof value === "number") return Number.isFinite(value) ? undefined : value;
    if (value === null || typeof value !== "object") return undefined;
    if (Array.isArray(value) || ArrayBuffer.isView(value)) {
      const items = value as ArrayLike<unknown>;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item === "number" && Number.isFinite(item)) continue; // the common case, kept cheap
        path.push(i);
        const found = visit(item);
        if (found !== undefined) return found;
        path.pop();
      }
      return undefined;
    }
    for (const [key, item] of Object.entries(value)) {
      path.push(key);
      const found = visit(item);
      if (found !== undefined) return found;
      path.pop();
    }
    return undefined;
  };
  const value = visit(document);
  return value === undefined ? undefined : { path: jsonPath(path), value };
}
