/**
 * Shareable state: every control of a page is one query parameter, so a copied URL reopens the same
 * view (same seed, same samples). A page lists its controls as field specs; readUrlState turns a query
 * string into values, writeUrlState puts the values back with history.replaceState as they change.
 *
 * A link can be old, hand-edited or truncated: a value out of range is clamped, one that is not a
 * value at all is refused (the control keeps its default), and each gets a one-line message that the
 * page shows with urlNotice. Nothing from the URL reaches a control as NaN.
 *
 * Only settings that differ from their defaults are written, in the order of the specs, so a URL is
 * short and the same view always has the same URL. Values are percent-encoded except "," (lists) and
 * "+" (in "dpm-solver++"); the reader takes "+" literally, never as a space.
 */

import { type Bounds, describeRange, narrowed, type NumericRange, parseDecimal, type Setting } from "../core/settings.js";

/** What a field makes of the text of its parameter: a value (maybe adjusted, with a note), or a refusal. */
export type Parsed<V> = { value: V; note?: string } | { refused: string };

export interface FieldSpec<V> {
  /** The query parameter's name. */
  key: string;
  parse(text: string): Parsed<V>;
  format(value: V): string;
  default: V;
}

// deno-lint-ignore no-explicit-any
export type Specs = readonly FieldSpec<any>[];
/** The values of a list of specs, by key. */
export type UrlValues = Record<string, unknown>;

export interface UrlState<V extends UrlValues = UrlValues> {
  values: V;
  /** One line per parameter that was clamped, refused or unknown. */
  problems: string[];
}

/** A number as the URL and the messages write it: the shortest text that reads back to the same double. */
const show = (value: number) => String(value);

/** A URL's number: plain decimals only (Number("0x1f") is 31), around spaces a link may pick up. */
function readNumber(text: string): number | undefined {
  const value = parseDecimal(text.trim());
  return Number.isFinite(value) ? value : undefined;
}

/** A whole number in [min, max]; a fraction is rounded and a value out of range clamped, each with a note. */
export function integerField(key: string, options: { min: number; max: number; default: number }): FieldSpec<number> {
  const { min, max } = options;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) {
    throw new RangeError(`integerField ${key}: min and max must be integers with min ≤ max, got ${min}, ${max}`);
  }
  const range = `must be ${describeRange({ type: "integer", min, max })}`;
  return {
    key,
    default: options.default,
    format: show,
    parse(text) {
      const read = readNumber(text);
      if (read === undefined) return { refused: range };
      const rounded = Math.round(read);
      const value = Math.min(max, Math.max(min, rounded));
      if (value !== rounded) return { value, note: `${range}: clamped to ${value}` };
      if (rounded !== read) return { value, note: `not an integer: rounded to ${value}` };
      return { value };
    },
  };
}

/**
 * A number in the range (see core/settings.ts: bounds may be open, and `off` allowed beside them),
 * clamped into it where the bound is closed and refused past an open one, which has no nearest value.
 * `digits` rounds to that many significant digits, as a slider that shows 3 digits does; `step` to the
 * nearest min + k·step, as a range input with that step does.
 */
export function numberField(
  key: string,
  options: Omit<NumericRange, "type"> & { default: number; digits?: number; step?: number },
): FieldSpec<number> {
  const { min, max, minExclusive = false, maxExclusive = false, off, digits, step } = options;
  if (!(Number.isFinite(min) && !Number.isNaN(max) && min < max)) {
    throw new RangeError(`numberField ${key}: min must be finite and below max, got ${min}, ${max}`);
  }
  const bounds: NumericRange = { type: "number", min, max, minExclusive, maxExclusive, off };
  const range = `must be ${describeRange(bounds)}`;
  return {
    key,
    default: options.default,
    format: show,
    parse(text) {
      const read = readNumber(text);
      if (read === undefined) return { refused: range };
      if (off !== undefined && read === off) return { value: read };
      if ((minExclusive && read <= min) || (maxExclusive && read >= max)) return { refused: range };
      const clamped = Math.min(max, Math.max(min, read));
      // 12 digits drop the float noise of min + k·step (0.1 + 5 · 0.05 is 0.35000000000000003).
      const value = step !== undefined
        ? Number((min + step * Math.round((clamped - min) / step)).toPrecision(12))
        : digits !== undefined
        ? Number(clamped.toPrecision(digits))
        : clamped;
      if (clamped !== read) return { value, note: `${range}: clamped to ${show(value)}` };
      if (value !== read) {
        return { value, note: step !== undefined ? `not a multiple of ${step}: rounded to ${show(value)}` : `rounded to ${digits} significant digits: ${show(value)}` };
      }
      return { value };
    },
  };
}

/** One of a fixed list of names. */
export function choiceField<V extends string>(key: string, choices: readonly V[], defaultValue: V): FieldSpec<V> {
  if (!choices.includes(defaultValue)) throw new RangeError(`choiceField ${key}: default ${defaultValue} is not a choice`);
  return {
    key,
    default: defaultValue,
    format: (value) => value,
    parse: (text) =>
      (choices as readonly string[]).includes(text) ? { value: text as V } : { refused: `must be one of ${choices.join(", ")}` },
  };
}

/** A subset of a fixed list, written comma-separated in the list's order; unknown names are dropped with a note. */
export function listField<V extends string>(key: string, choices: readonly V[], defaultValue: readonly V[]): FieldSpec<V[]> {
  const inOrder = (values: readonly string[]) => choices.filter((choice) => values.includes(choice));
  return {
    key,
    default: inOrder(defaultValue),
    format: (value) => inOrder(value).join(","),
    parse(text) {
      const names = text === "" ? [] : text.split(",");
      const unknown = names.filter((name) => !(choices as readonly string[]).includes(name));
      const value = inOrder(names);
      return unknown.length
        ? { value, note: `${unknown.map((name) => JSON.stringify(name)).join(", ")} dropped: choices are ${choices.join(", ")}` }
        : { value };
    },
  };
}

/**
 * The URL field of a registered setting (core/settings.ts): its range, narrowed by `bounds` where the
 * page allows less (a slider's span), its choices and its default, which the page may move. The key is
 * the setting's last path segment unless given.
 */
export function settingField(
  setting: Setting,
  options: { key?: string; bounds?: Bounds; default?: number | string; digits?: number; step?: number } = {},
  // deno-lint-ignore no-explicit-any
): FieldSpec<any> {
  const key = options.key ?? setting.path.split(".").pop()!;
  const initial = options.default ?? setting.default;
  if (initial === undefined) throw new RangeError(`settingField ${key}: the setting has no default, so the page must give one`);
  if (setting.type === "choice") return choiceField(key, setting.choices, initial as string);
  const { type, ...range } = narrowed(setting, options.bounds);
  if (type === "integer") return integerField(key, { min: range.min, max: range.max, default: initial as number });
  return numberField(key, { ...range, default: initial as number, digits: options.digits, step: options.step });
}

/** The query's parameters in order, decoded with "+" kept as a plus, or why one cannot be decoded. */
function parameters(search: string): ({ key: string; text: string } | { problem: string })[] {
  return search.replace(/^\?/, "").split("&").filter((part) => part !== "").map((part) => {
    const cut = part.indexOf("=");
    const [key, text] = cut < 0 ? [part, ""] : [part.slice(0, cut), part.slice(cut + 1)];
    try {
      return { key: decodeURIComponent(key), text: decodeURIComponent(text) };
    } catch {
      return { problem: `URL parameter ${part.length > 40 ? `${part.slice(0, 37)}...` : part} is not valid percent-encoding: ignored.` };
    }
  });
}

const quoted = (key: string, text: string) => `${key}=${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;

/**
 * The values a query string gives each spec (its default when absent or refused), and one message per
 * parameter that was adjusted, refused, repeated or is not a setting of the page.
 */
export function readUrlState<V extends UrlValues = UrlValues>(specs: Specs, search: string): UrlState<V> {
  const problems: string[] = [];
  const values: UrlValues = Object.fromEntries(specs.map((spec) => [spec.key, spec.default]));
  const seen = new Set<string>();
  for (const parameter of parameters(search)) {
    if ("problem" in parameter) {
      problems.push(parameter.problem);
      continue;
    }
    const { key, text } = parameter;
    const spec = specs.find((s) => s.key === key);
    if (!spec) {
      problems.push(`URL parameter “${key}” is not a setting of this page: ignored.`);
      continue;
    }
    if (seen.has(key)) {
      problems.push(`URL parameter ${quoted(key, text)} repeats “${key}”: the first one is used.`);
      continue;
    }
    seen.add(key);
    const parsed = spec.parse(text);
    if ("refused" in parsed) {
      problems.push(`URL parameter ${quoted(key, text)}: ${parsed.refused}; using the default, ${spec.format(spec.default)}.`);
      continue;
    }
    values[key] = parsed.value;
    if (parsed.note) problems.push(`URL parameter ${quoted(key, text)}: ${parsed.note}.`);
  }
  return { values: values as V, problems };
}

/** encodeURIComponent, but "," and "+" stay as they are (see the module comment). */
const encode = (text: string) => encodeURIComponent(text).replace(/%2C/gi, ",").replace(/%2B/gi, "+");

/** The query string ("" or "?a=1&b=2") for `values`: settings that differ from their defaults, in spec order. */
export function urlSearch(values: UrlValues, specs: Specs): string {
  const parts: string[] = [];
  for (const spec of specs) {
    if (!(spec.key in values)) continue;
    const text = spec.format(values[spec.key]);
    if (text !== spec.format(spec.default)) parts.push(`${encode(spec.key)}=${encode(text)}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** The parts of `window` that writeUrlState uses (a test passes its own). */
export interface UrlTarget {
  location: { href: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
}

/**
 * Replaces the page's URL with one for `values`, keeping its path and #fragment and adding no history
 * entry (moving a slider should not fill the back button). Returns the new query string.
 */
export function writeUrlState(values: UrlValues, specs: Specs, target: UrlTarget = globalThis as unknown as UrlTarget): string {
  const search = urlSearch(values, specs);
  const url = new URL(target.location.href);
  url.search = search;
  // URL's setter percent-encodes nothing that encode() left: the text goes in as written.
  if (url.href !== target.location.href) target.history.replaceState(target.history.state, "", url.href);
  return search;
}

/**
 * The page's notice of what the URL asked for and did not get: a list of the problems, or an empty
 * hidden element when there are none (so a page can always place it).
 */
export function urlNotice(problems: readonly string[], options: { document?: Document } = {}): HTMLElement {
  const { document = globalThis.document } = options;
  const notice = document.createElement("div");
  notice.className = "warning url-notice";
  notice.setAttribute("role", "status");
  notice.hidden = problems.length === 0;
  if (problems.length === 0) return notice;
  const lead = document.createElement("p");
  lead.style.margin = "0";
  lead.textContent = problems.length === 1
    ? "This link asked for a setting the page cannot use:"
    : `This link asked for ${problems.length} settings the page cannot use:`;
  const list = document.createElement("ul");
  list.style.margin = "0.3rem 0 0";
  for (const problem of problems) {
    const item = document.createElement("li");
    item.textContent = problem;
    list.append(item);
  }
  notice.append(lead, list);
  return notice;
}

/** A page's URL writer; `values` are the last it was given (the URL may lag them by up to `wait` ms). */
export type UrlStateWriter = ((values: UrlValues) => void) & { readonly values: UrlValues | undefined };

/**
 * The URL writer of a page: call it with the values whenever a control changes. It writes at once,
 * then at most every `wait` ms while values keep coming, ending with the last ones: a playing slider
 * changes sixty times a second, and browsers throttle a page that replaces its URL that often.
 */
export function urlStateWriter(specs: Specs, options: { wait?: number; target?: UrlTarget } = {}): UrlStateWriter {
  const { wait = 200, target } = options;
  let last = -Infinity;
  let pending: UrlValues | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    last = Date.now();
    writeUrlState(pending!, specs, target);
  };
  const write = (values: UrlValues) => {
    pending = values;
    if (timer !== undefined) return;
    const delay = last + wait - Date.now();
    if (delay <= 0) flush();
    else timer = setTimeout(flush, delay);
  };
  Object.defineProperty(write, "values", { get: () => pending });
  return write as UrlStateWriter;
}
