/**
 * Property-based fuzzing of every chisel command's flags: whatever argv a hostile user types, the parser
 * either returns values its specs allow, or throws one UsageError line that names the problem. Never
 * another error, never a value out of range, never a silently ignored word.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FlagSpec, type FlagSpecs, parseFlags, UsageError } from "../../scripts/cli/flags.js";
import { inRange } from "../../src/core/settings.js";
import { COMMANDS } from "../../scripts/cli/commands.js";
import { scheduleCommand } from "../../scripts/cli/schedule.js";

/** Words a hostile user types where a number goes: other notations, padding, overflow, non-numbers. */
const TRICKY_NUMBERS = [
  "0x10", "0b11", "0o7", " 100 ", "1_000", "1e400", "-1e400", "Infinity", "-Infinity", "NaN", "", "-", "+",
  ".", "1.", ".5", "-0", "+3", "1e-400", "5e-324", "9007199254740993", "1,5", "١٢", "１２", "0.1.2", "--", "-5",
  "1e3", "2E2", "\t7", "7\n", "½",
];

/** A value for a flag: a tricky word, a number in some notation, a choice of any command, or any string. */
function valueFor(spec: FlagSpec | undefined): fc.Arbitrary<string> {
  const anyNumber = fc.oneof(
    fc.integer({ min: -2_000_000, max: 2_000_000 }).map(String),
    fc.double({ noNaN: false }).map(String),
    fc.double({ min: -2, max: 2, noNaN: true }).map((x) => x.toExponential()),
  );
  const choices = spec?.type === "choice" ? fc.constantFrom(...spec.choices) : fc.constant("ddpm");
  return fc.oneof(fc.constantFrom(...TRICKY_NUMBERS), anyNumber, choices, fc.string({ maxLength: 12 }));
}

/** An argv of known flags (some misspelt or with `=` values), stray words and `--`. */
function argvFor(specs: FlagSpecs): fc.Arbitrary<string[]> {
  const names = [...Object.keys(specs), "help"];
  const misspelt = names.map((name) => name.slice(0, -1) || `${name}x`);
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names).chain((name) => valueFor(specs[name]).map((v) => [`--${name}`, v])) },
    { weight: 2, arbitrary: fc.constantFrom(...names).chain((name) => valueFor(specs[name]).map((v) => [`--${name}=${v}`])) },
    { weight: 2, arbitrary: fc.constantFrom(...names).map((name) => [`--${name}`]) },
    { weight: 1, arbitrary: fc.constantFrom(...misspelt).map((name) => [`--${name}`, "1"]) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("-T", "-", "--", "---T", "-h")).map((w) => [w]) },
  );
  return fc.array(token, { maxLength: 6 }).map((tokens) => tokens.flat());
}

/** What every accepted value must satisfy: the spec's own type, range or choices. */
function checkValue(name: string, spec: FlagSpec, value: unknown): void {
  switch (spec.type) {
    case "number":
      if (value === undefined) {
        expect(spec.default, `--${name}`).toBeUndefined();
        return;
      }
      expect(Number.isFinite(value), `--${name} = ${value}`).toBe(true);
      expect(inRange(spec.setting, value as number, spec.bounds), `--${name} = ${value}`).toBe(true);
      return;
    case "choice":
      if (value !== undefined) expect(spec.choices).toContain(value);
      return;
    case "string":
      if (value !== undefined) expect(value).not.toBe("");
      return;
    case "boolean":
      expect(typeof value).toBe("boolean");
  }
}

describe.each(COMMANDS.map((command) => [command.name, command] as const))("chisel %s flags under fuzzing", (_, command) => {
  it("returns only allowed values, or one UsageError line that names a flag or a word", () => {
    fc.assert(fc.property(argvFor(command.flags), (argv) => {
      let flags: Record<string, unknown>;
      try {
        flags = parseFlags(argv, command.flags) as Record<string, unknown>;
      } catch (error) {
        expect(error, `${JSON.stringify(argv)}: ${error}`).toBeInstanceOf(UsageError);
        const message = (error as Error).message;
        expect(message).not.toContain("\n");
        expect(message).toMatch(/--|unknown flag|unexpected argument/);
        return;
      }
      if (flags.help) return;
      for (const [name, spec] of Object.entries(command.flags)) checkValue(name, spec, flags[name]);
    }), { numRuns: 400 });
  });

  it("reads back every number flag's allowed values written in plain decimals", () => {
    const numbers = Object.entries(command.flags).filter(([, spec]) => spec.type === "number");
    if (numbers.length === 0) return;
    const pick = fc.constantFrom(...numbers).chain(([name, spec]) => {
      const { setting } = spec as Extract<FlagSpec, { type: "number" }>;
      const value = setting.type === "integer"
        ? fc.integer({ min: Math.max(setting.min, -1e9), max: Math.min(setting.max, 1e9) })
        : fc.double({ min: setting.min, max: setting.max, noNaN: true, noDefaultInfinity: true });
      return value.map((v) => [name, spec, v] as const);
    });
    fc.assert(fc.property(pick, ([name, spec, value]) => {
      const numberSpec = spec as Extract<FlagSpec, { type: "number" }>;
      fc.pre(inRange(numberSpec.setting, value, numberSpec.bounds) && !Object.is(value, -0));
      const flags = parseFlags([`--${name}`, String(value)], { [name]: spec }) as Record<string, unknown>;
      expect(flags[name]).toBe(value);
    }), { numRuns: 200 });
  });
});

describe("number flags take plain decimals only", () => {
  const spec = scheduleCommand.flags as unknown as FlagSpecs;
  it.each(["0x10", "0b11", " 100 ", "1e400", "Infinity", "NaN", "", "1_000", "１２", "-5"])("--T %j is refused naming the range", (word) => {
    expect(() => parseFlags(["--T", word], spec)).toThrow(/^--T must be an integer from 1 to [\d,]+, got /);
  });

  it("has no one-dash short forms", () => {
    expect(() => parseFlags(["-T", "5"], spec)).toThrow("unknown flag -T: flags take two dashes (--T)");
    expect(() => parseFlags(["-T", "--schedule", "cosine"], spec)).toThrow("unknown flag -T: flags take two dashes (--T)");
  });
});
