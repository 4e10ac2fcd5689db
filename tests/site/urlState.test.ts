/**
 * URL state (src/components/urlState.ts): every field type round-trips through the query string,
 * values out of range are clamped and junk is refused with a one-line message (never NaN), only
 * settings that differ from their defaults are written, in the specs' order. The pages' own spec lists
 * are tested in pageUrlFields.test.ts.
 */
import fc from "fast-check";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import {
  choiceField,
  integerField,
  listField,
  numberField,
  readUrlState,
  urlNotice,
  urlSearch,
  type UrlTarget,
  writeUrlState,
} from "../../src/components/urlState.js";

const seed = integerField("seed", { min: 0, max: 1_000_000, default: 0 });
const beta = numberField("beta", { min: 1e-6, max: 0.99, default: 0.02 });
const lr = numberField("lr", { min: 0, max: 1, default: 0.01, minExclusive: true });
const q = numberField("q", { min: 0, max: 1, default: 1, digits: 3 });
const sampler = choiceField("sampler", ["ddpm", "ddim", "dpm-solver++"] as const, "ddpm");
const shown = listField("show", ["linear", "cosine", "yours"] as const, ["linear", "cosine", "yours"]);
const SPECS = [seed, beta, lr, q, sampler, shown];

const read = (search: string) => readUrlState(SPECS, search);

describe("each field type", () => {
  it("reads whole numbers, rounding fractions and clamping to the range with a note", () => {
    expect(seed.parse("42")).toEqual({ value: 42 });
    expect(seed.parse(" 1e3 ")).toEqual({ value: 1000 });
    expect(seed.parse("3.6")).toEqual({ value: 4, note: "not an integer: rounded to 4" });
    expect(seed.parse("2000000")).toEqual({ value: 1_000_000, note: "must be an integer from 0 to 1000000: clamped to 1000000" });
    expect(seed.parse("-5")).toEqual({ value: 0, note: "must be an integer from 0 to 1000000: clamped to 0" });
  });

  it("refuses what is not a decimal number", () => {
    for (const text of ["", "abc", "0x10", "NaN", "Infinity", "1e999", "12px", "1,5"]) {
      expect(seed.parse(text), text).toEqual({ refused: "must be an integer from 0 to 1000000" });
    }
  });

  it("reads real numbers exactly, clamps them, and refuses an exclusive bound", () => {
    expect(beta.parse("0.0123")).toEqual({ value: 0.0123 });
    expect(beta.parse("2")).toEqual({ value: 0.99, note: "must be a number in [0.000001, 0.99]: clamped to 0.99" });
    expect(beta.parse("1e-9")).toEqual({ value: 1e-6, note: "must be a number in [0.000001, 0.99]: clamped to 0.000001" });
    expect(lr.parse("0")).toEqual({ refused: "must be a number in (0, 1]" });
    expect(lr.parse("-1")).toEqual({ refused: "must be a number in (0, 1]" });
    expect(lr.parse("5")).toEqual({ value: 1, note: "must be a number in (0, 1]: clamped to 1" });
    expect(q.parse("0.12345")).toEqual({ value: 0.123, note: "rounded to 3 significant digits: 0.123" });
  });

  it("reads a choice or refuses it naming the choices", () => {
    expect(sampler.parse("dpm-solver++")).toEqual({ value: "dpm-solver++" });
    expect(sampler.parse("DDIM")).toEqual({ refused: "must be one of ddpm, ddim, dpm-solver++" });
  });

  it("reads a list in the choices' order, dropping unknown names with a note", () => {
    expect(shown.parse("yours,linear")).toEqual({ value: ["linear", "yours"] });
    expect(shown.parse("")).toEqual({ value: [] });
    expect(shown.parse("cosine,sigmoid")).toEqual({ value: ["cosine"], note: '"sigmoid" dropped: choices are linear, cosine, yours' });
  });
});

describe("readUrlState", () => {
  it("gives the defaults for an empty query", () => {
    expect(read("")).toEqual({ values: { seed: 0, beta: 0.02, lr: 0.01, q: 1, sampler: "ddpm", show: ["linear", "cosine", "yours"] }, problems: [] });
  });

  it("takes '+' literally and decodes percent-escapes", () => {
    const { values, problems } = read("?sampler=dpm-solver++&beta=%30.5");
    expect(problems).toEqual([]);
    expect(values).toMatchObject({ sampler: "dpm-solver++", beta: 0.5 });
  });

  it("writes one line per clamped, refused, repeated, unknown or undecodable parameter", () => {
    const { values, problems } = read("?seed=abc&beta=7&sampler=ddim&sampler=ddpm&colour=red&q=%E0%A4%A");
    expect(values).toEqual({ seed: 0, beta: 0.99, lr: 0.01, q: 1, sampler: "ddim", show: ["linear", "cosine", "yours"] });
    expect(problems).toEqual([
      "URL parameter seed=abc: must be an integer from 0 to 1000000; using the default, 0.",
      "URL parameter beta=7: must be a number in [0.000001, 0.99]: clamped to 0.99.",
      "URL parameter sampler=ddpm repeats “sampler”: the first one is used.",
      "URL parameter “colour” is not a setting of this page: ignored.",
      "URL parameter q=%E0%A4%A is not valid percent-encoding: ignored.",
    ]);
  });

  it("never gives NaN or an out-of-range number, whatever the query", () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
      const { values, problems } = read(`?seed=${encodeURIComponent(a)}&beta=${encodeURIComponent(b)}&lr=${encodeURIComponent(c)}`);
      const { seed: s, beta: x, lr: r } = values as { seed: number; beta: number; lr: number };
      expect(Number.isInteger(s) && s >= 0 && s <= 1_000_000).toBe(true);
      expect(x >= 1e-6 && x <= 0.99).toBe(true);
      expect(r > 0 && r <= 1).toBe(true);
      for (const line of problems) expect(line).not.toContain("\n");
    }));
  });
});

describe("round trips and default omission", () => {
  const values = fc.record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    beta: fc.double({ min: 1e-6, max: 0.99, noNaN: true }),
    lr: fc.double({ min: 1e-12, max: 1, noNaN: true }),
    q: fc.integer({ min: 0, max: 1000 }).map((k) => Number((k / 1000).toPrecision(3))),
    sampler: fc.constantFrom("ddpm", "ddim", "dpm-solver++"),
    show: fc.subarray(["linear", "cosine", "yours"]),
  });

  it("reads back every value it writes, exactly, with no problem", () => {
    fc.assert(fc.property(values, (v) => {
      expect(read(urlSearch(v, SPECS))).toEqual({ values: v, problems: [] });
    }), { numRuns: 500 });
  });

  it("writes nothing for the defaults, and only the changed settings in the specs' order", () => {
    const defaults = read("").values;
    expect(urlSearch(defaults, SPECS)).toBe("");
    // Key order of the values object does not matter; ',' and '+' stay readable.
    expect(urlSearch({ show: ["cosine", "linear"], sampler: "dpm-solver++", ...defaults, seed: 7 }, SPECS)).toBe("?seed=7");
    expect(urlSearch({ ...defaults, show: ["yours", "linear"], sampler: "dpm-solver++", seed: 7 }, SPECS))
      .toBe("?seed=7&sampler=dpm-solver++&show=linear,yours");
    expect(urlSearch({ ...defaults, show: [] }, SPECS)).toBe("?show=");
    expect(read("?show=").values.show).toEqual([]);
  });

  it("replaces the URL without a history entry, keeping the path and fragment, only when it changes", () => {
    const calls: string[] = [];
    const target: UrlTarget = {
      location: { href: "http://127.0.0.1:8000/sampling.html?seed=3#samplers" },
      history: { state: { scroll: 1 }, replaceState: (state, _unused, url) => calls.push(`${JSON.stringify(state)} ${url}`) },
    };
    const defaults = read("").values;
    expect(writeUrlState({ ...defaults, seed: 3 }, SPECS, target)).toBe("?seed=3");
    expect(calls).toEqual([]);
    writeUrlState({ ...defaults, seed: 4, sampler: "dpm-solver++" }, SPECS, target);
    writeUrlState(defaults, SPECS, target);
    expect(calls).toEqual([
      '{"scroll":1} http://127.0.0.1:8000/sampling.html?seed=4&sampler=dpm-solver++#samplers',
      '{"scroll":1} http://127.0.0.1:8000/sampling.html#samplers',
    ]);
  });
});

describe("urlNotice", () => {
  const document = new JSDOM("").window.document;

  it("is hidden and empty with no problems", () => {
    const notice = urlNotice([], { document });
    expect(notice.hidden).toBe(true);
    expect(notice.textContent).toBe("");
  });

  it("lists each problem", () => {
    const { problems } = read("?seed=abc&beta=7");
    const notice = urlNotice(problems, { document });
    expect(notice.hidden).toBe(false);
    expect(notice.getAttribute("role")).toBe("status");
    expect([...notice.querySelectorAll("li")].map((li) => li.textContent)).toEqual(problems);
    expect(notice.querySelector("p")!.textContent).toBe("This link asked for 2 settings the page cannot use:");
  });
});
