/**
 * Log-axis tick labels (src/components/format.ts): plain decimals or powers of ten, never an SI prefix,
 * and Plot's log axes still leave most ticks of a decade blank.
 */
import * as Plot from "@observablehq/plot";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { logTickFormat } from "../../src/components/format.js";

describe("logTickFormat", () => {
  it("prints decimals from 0.001 up to 10,000 and powers of ten outside", () => {
    expect([0.001, 0.02, 0.3, 1, 5, 20, 300, 5000].map(logTickFormat)).toEqual(["0.001", "0.02", "0.3", "1", "5", "20", "300", "5000"]);
    expect([1e-4, 2e-5, 1e4, 2e4, 1e5, 5e7].map(logTickFormat)).toEqual(["10⁻⁴", "2×10⁻⁵", "10⁴", "2×10⁴", "10⁵", "5×10⁷"]);
    // Rounded first: a value that prints as ten thousand is a power of ten; the sign stays.
    expect([9990, 9940, -1e4, -1e-4].map(logTickFormat)).toEqual(["10⁴", "9900", "−10⁴", "−10⁻⁴"]);
  });

  it("labels a Plot log axis without SI suffixes, and only a few ticks per decade", () => {
    const { document } = new JSDOM("").window;
    const svg = Plot.plot({ document, y: { type: "log", domain: [1e-4, 1], tickFormat: logTickFormat }, marks: [Plot.ruleY([0.1])] });
    const labels = [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((text) => text.textContent ?? "");
    const shown = labels.filter((label) => label !== "");
    for (const label of ["10⁻⁴", "0.001", "0.01", "0.1", "1"]) expect(shown).toContain(label);
    expect(shown.filter((label) => /\d[a-zµ]$/i.test(label))).toEqual([]);
    expect(shown.length).toBeLessThan(labels.length);
  });
});
