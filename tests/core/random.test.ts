import { execFileSync } from "node:child_process";
import { transformSync } from "esbuild";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";

const draw = (seed: number) => {
  const rng = new Rng(seed);
  return { u: [rng.nextUint32(), rng.nextUint32(), rng.uniform()], z: [rng.normal(), rng.normal(), rng.normal()] };
};

describe("Rng", () => {
  it("repeats its stream for a seed and differs between seeds", () => {
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7).u).not.toEqual(draw(8).u);
    expect(draw(1).u).not.toEqual(draw(1 + 2 ** 32).u);
  });

  it("gives the same bits in Node as in Deno", () => {
    // The module compiled to plain JS and run by Node: its output must equal this process's (Deno's).
    const js = transformSync(readFileSync(new URL("../../src/core/random.ts", import.meta.url), "utf8"), {
      loader: "ts",
      format: "esm",
    }).code;
    const program = `${js}\nconst out = [];\nfor (const seed of [0, 1, 42, 123456789]) {\n` +
      `  const rng = new Rng(seed); const row = [];\n` +
      `  for (let i = 0; i < 5; i++) row.push(rng.nextUint32(), rng.uniform(), rng.normal());\n  out.push(row);\n}\n` +
      `console.log(JSON.stringify(out));`;
    const fromNode = JSON.parse(execFileSync("node", ["--input-type=module", "-e", program], { encoding: "utf8" }));
    const here = [0, 1, 42, 123456789].map((seed) => {
      const rng = new Rng(seed);
      const row: number[] = [];
      for (let i = 0; i < 5; i++) row.push(rng.nextUint32(), rng.uniform(), rng.normal());
      return row;
    });
    expect(fromNode).toEqual(here);
  });

  it("draws uniforms on [0, 1) and standard normals with the right moments", () => {
    const rng = new Rng(3);
    const n = 200_000;
    let sum = 0, sumSquares = 0, sumFourth = 0, below = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      if (u < 0.25) below++;
      const z = rng.normal();
      sum += z;
      sumSquares += z * z;
      sumFourth += z ** 4;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard errors: P(u<¼) ±0.001, mean ±0.0022, E z² ±0.0032, E z⁴ ±0.022; allow 5 of them.
    expect(Math.abs(below / n - 0.25)).toBeLessThan(0.005);
    expect(Math.abs(sum / n)).toBeLessThan(0.011);
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.016);
    expect(Math.abs(sumFourth / n - 3)).toBeLessThan(0.11);
  });

  it("draws integers uniformly in [0, n) and rejects a bad n or seed", () => {
    const rng = new Rng(5);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // sd ≈ 93
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => new Rng(0.5)).toThrow(/seed must be an integer/);
  });
});
