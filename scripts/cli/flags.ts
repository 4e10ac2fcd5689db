/**
 * Flag specs and their validation for the chisel CLI.
 *
 * node:util's parseArgs tokenizes (and rejects unknown flags); each spec then turns the string into a
 * typed value or a one-line `UsageError` that names the flag and its allowed range.
 */
import { parseArgs } from "node:util";
import {
  type Bounds,
  type ChoiceSetting,
  describeRange,
  inRange,
  type IntegerSetting,
  type NumberSetting,
  parseDecimal,
  type Setting,
} from "../../src/core/settings.js";

export class UsageError extends Error {
  override name = "UsageError";
}

interface BaseSpec {
  help: string;
}
/** A number flag: the registered setting it sets (its range and words), within narrower bounds if given. */
export interface NumberSpec extends BaseSpec {
  type: "number";
  setting: IntegerSetting | NumberSetting;
  bounds?: Bounds;
  default?: number;
}
export interface ChoiceSpec extends BaseSpec {
  type: "choice";
  choices: readonly string[];
  default?: string;
}
export interface StringSpec extends BaseSpec {
  type: "string";
  default?: string;
  required?: boolean;
}
export interface BooleanSpec extends BaseSpec {
  type: "boolean";
}
export type FlagSpec = NumberSpec | ChoiceSpec | StringSpec | BooleanSpec;
export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S extends FlagSpec> = S extends NumberSpec ? number
  : S extends BooleanSpec ? boolean
  : string;
export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: ValueOf<S[K]> | undefined };

/**
 * The flag of a registered setting: its help, range and default from the registry, each overridable
 * (`default: undefined` for an override flag that only sets what is given).
 */
type FlagOptions = { help?: string; bounds?: Bounds; default?: number | string };
export function settingFlag(setting: ChoiceSetting, options?: FlagOptions): ChoiceSpec;
export function settingFlag(setting: IntegerSetting | NumberSetting, options?: FlagOptions): NumberSpec;
export function settingFlag(setting: Setting, options?: FlagOptions): FlagSpec;
export function settingFlag(setting: Setting, options: FlagOptions = {}): FlagSpec {
  const help = options.help ?? setting.help;
  const value = "default" in options ? options.default : setting.default;
  if (setting.type === "choice") return { type: "choice", choices: setting.choices, default: value as string | undefined, help };
  return { type: "number", setting, bounds: options.bounds, default: value as number | undefined, help };
}

/** The allowed range of a number flag, as people read it: "an integer from 1 to 1000", "a number in (0, 1)". */
export function describeFlagRange(spec: NumberSpec): string {
  return describeRange(spec.setting, spec.bounds);
}

/**
 * A number as people write it: optional sign, digits, optional fraction, optional exponent. Number()
 * alone would also take "0x10", "0b11", " 100 ", "" (0) and "Infinity".
 */
export function parseNumberFlag(flag: string, spec: NumberSpec, raw: string): number {
  const value = parseDecimal(raw);
  if (!inRange(spec.setting, value, spec.bounds)) throw new UsageError(`--${flag} must be ${describeFlagRange(spec)}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Parses `args` against `specs`; unknown flags, stray positionals and bad values throw UsageError. */
export function parseFlags<S extends FlagSpecs>(args: string[], specs: S): FlagValues<S> & { help: boolean } {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [name, spec] of Object.entries(specs)) options[name] = { type: spec.type === "boolean" ? "boolean" : "string" };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; tokens: true; strict: true; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(args, specs), options, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError(cleanParseArgsMessage((error as Error).message, args, specs));
  }
  // parseArgs reads "-T" as "--T" (a one-letter name doubles as its short form); chisel has no short flags.
  const short = parsed.tokens.find((token) => token.kind === "option" && !token.rawName.startsWith("--"));
  if (short?.kind === "option") throw new UsageError(`unknown flag ${short.rawName}: flags take two dashes (--${short.name})`);
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const out: Record<string, unknown> = { help: raw.help === true };
  if (out.help) return out as FlagValues<S> & { help: boolean };
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw[name];
    switch (spec.type) {
      case "boolean":
        out[name] = given === true;
        break;
      case "number":
        out[name] = given === undefined ? spec.default : parseNumberFlag(name, spec, given as string);
        break;
      case "choice":
        if (given !== undefined && !spec.choices.includes(given as string)) {
          throw new UsageError(`--${name} must be one of ${spec.choices.join(", ")}, got ${JSON.stringify(given)}`);
        }
        out[name] = given ?? spec.default;
        break;
      case "string":
        if (given === undefined && spec.required) throw new UsageError(`--${name} is required`);
        if (given !== undefined && given === "") throw new UsageError(`--${name} must not be empty`);
        out[name] = given ?? spec.default;
        break;
    }
  }
  return out as FlagValues<S> & { help: boolean };
}

/** The spec of "--name", if it is a flag (not an inherited key such as "--constructor"). */
function flagSpec(specs: FlagSpecs, arg: string): FlagSpec | undefined {
  const name = arg.slice(2);
  return Object.hasOwn(specs, name) ? specs[name] : undefined;
}

/**
 * `--T -5` as `--T=-5`: parseArgs reads a value that starts with "-" as a flag and refuses it as
 * ambiguous. A number flag always takes a value and no flag is one dash long, so a following "-…"
 * can only be its value; it then meets the range check like any other.
 */
function joinNegativeValues(args: readonly string[], specs: FlagSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") return [...out, ...args.slice(i)];
    const spec = args[i].startsWith("--") ? flagSpec(specs, args[i]) : undefined;
    const next = args[i + 1];
    if (spec?.type === "number" && next !== undefined && next.startsWith("-") && !next.startsWith("--")) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

function cleanParseArgsMessage(message: string, args: readonly string[], specs: FlagSpecs): string {
  // parseArgs explains at length ("To specify a positional argument starting with a '-'..."): keep the first sentence.
  const unknown = message.match(/Unknown option '([^']+)'/);
  if (unknown) return `unknown flag ${unknown[1]} (see --help)`;
  const needsValue = (flag: string) => {
    const spec = flagSpec(specs, flag);
    if (spec?.type === "number") return `${flag} needs a value: ${describeFlagRange(spec)}`;
    if (spec?.type === "choice") return `${flag} needs a value: one of ${spec.choices.join(", ")}`;
    return `${flag} needs a value`;
  };
  // A value that starts with "-" reads as a flag; the message omits the value, so find it. Number
  // flags never get here (see joinNegativeValues) unless the next word is another flag.
  const ambiguous = message.match(/Option '(-{1,2}[^' ]+)' argument is ambiguous/);
  if (ambiguous) {
    const flag = ambiguous[1];
    if (!flag.startsWith("--")) return `unknown flag ${flag}: flags take two dashes (-${flag})`;
    const at = args.findIndex((arg, i) => arg === flag && args[i + 1]?.startsWith("-"));
    if (at >= 0 && !args[at + 1].startsWith("--")) return `${flag} ${args[at + 1]} is ambiguous: write ${flag}=${args[at + 1]}`;
    return needsValue(flag);
  }
  const missing = message.match(/Option '(?:-\w, )?(--[^' ]+)[^']*' argument missing/);
  if (missing) return needsValue(missing[1]);
  const positional = message.match(/Unexpected argument '([^']*)'/);
  if (positional) return `unexpected argument ${JSON.stringify(positional[1])} (flags look like --name value)`;
  return `cannot read the flags: ${message.split(/\.\s/)[0]}`;
}

/** The help text of a command: usage line, summary, and one line per flag with its range and default. */
export function helpText(command: string, summary: string, specs: FlagSpecs): string {
  const lines = [`Usage: chisel ${command} [flags]`, "", summary, "", "Flags:"];
  for (const [name, spec] of Object.entries(specs)) {
    let detail = spec.help;
    if (spec.type === "number") detail += ` (${describeFlagRange(spec)}${spec.default !== undefined ? `; default ${spec.default}` : ""})`;
    if (spec.type === "choice") detail += ` (${spec.choices.join(" | ")}${spec.default !== undefined ? `; default ${spec.default}` : ""})`;
    if (spec.type === "string" && spec.default !== undefined) detail += ` (default ${spec.default})`;
    if (spec.type === "string" && spec.required) detail += " (required)";
    lines.push(`  --${name.padEnd(14)} ${detail}`);
  }
  lines.push(`  --${"help".padEnd(14)} print this help`);
  return lines.join("\n");
}
