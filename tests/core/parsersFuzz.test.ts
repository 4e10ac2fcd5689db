/**
 * Property-based fuzzing of every parser of outside input: configs, points, manifests, checkpoints, ONNX
 * models and float bundles. Each either returns a value that is valid by its own rules, or throws one
 * line of the error type its callers turn into a clear message. Inputs are valid documents with one
 * part replaced by something hostile, so the fuzzer reaches past the first check.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePoints } from "../../src/core/points.js";
import { decodeBundle, encodeBundle } from "../../src/core/floatBundle.js";
import { exportOnnx, readOnnxMetadata } from "../../src/core/onnx/export.js";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { makeSchedule } from "../../src/core/schedule.js";
import { CheckpointError, decodeCheckpoint, parseManifest } from "../../src/core/training/checkpoint.js";
import { DEFAULT_TRAIN_CONFIG, modelDims, parseTrainConfig } from "../../src/core/training/config.js";
import { initMlpParams } from "../../src/core/mlp.js";
import { params, runWith } from "../support/checkpointRun.js";

/** Values a hostile document puts where a valid one had something else. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, "", "NaN", "1e999", -1, 0, 1e308, -1e308, 5e-324, 2 ** 53 + 1, [], {}, "__proto__", "../x"),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Every path to a leaf or a node of a JSON document, as keys. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      out.push(...paths(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
    }
  }
  return out;
}

/** A deep copy of `document` with the node at `path` replaced by `value` (or a key added beside it). */
function replaced(document: unknown, path: (string | number)[], value: unknown, addKey?: string): unknown {
  if (path.length === 0 && addKey === undefined) return value;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (addKey !== undefined) {
    const target = path.length ? node[path[path.length - 1]] : copy;
    if (target && typeof target === "object" && !Array.isArray(target)) (target as Record<string, unknown>)[addKey] = value;
    return copy;
  }
  node[path[path.length - 1]] = value;
  return copy;
}

/** A document derived from `valid`: one node replaced, or a stray key added. */
function mutationsOf(valid: unknown): fc.Arbitrary<unknown> {
  const all = paths(valid);
  return fc.tuple(fc.constantFrom(...all), hostileValue, fc.option(fc.constantFrom("extra", "__proto__", "constructor"), { freq: 5 }))
    .map(([path, value, addKey]) => replaced(valid, path, value, addKey ?? undefined));
}

/** The error a parser threw: of the expected class, one line, naming where ("path: problem"). */
function expectOneLine(error: unknown, type: new (...args: never[]) => Error): string {
  expect(error).toBeInstanceOf(type);
  const message = (error as Error).message;
  expect(message.length).toBeGreaterThan(0);
  expect(message).not.toContain("\n");
  return message;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("training config under fuzzing", () => {
  const valid = JSON.parse(JSON.stringify(DEFAULT_TRAIN_CONFIG));

  it("accepts a config that parses again to itself, or names the JSON path of its first problem", () => {
    fc.assert(fc.property(mutationsOf(valid), (document) => {
      const error = thrown(() => parseTrainConfig(document));
      if (error) {
        expect(expectOneLine(error, RangeError)).toMatch(/^\S.*?: \S/);
        return;
      }
      const config = parseTrainConfig(document);
      expect(parseTrainConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
      for (const width of modelDims(config.model)) expect(Number.isInteger(width) && width > 0).toBe(true);
    }), { numRuns: 500 });
  });
});

describe("report config under fuzzing", () => {
  const valid = {
    name: "fuzz",
    title: "A fuzzed report",
    train: { training: { steps: 20 } },
    sweep: { "schedule.betaEnd": [0.01, 0.02] },
    samplers: [{ sampler: "ddim", eta: 0 }, { sampler: "dpm-solver++" }],
    steps: [10, 50],
    seeds: [0, 1],
    n: 256,
  };

  it("is a valid example to start from", () => {
    expect(parseReportConfig(valid).runs).toHaveLength(2);
  });

  it("accepts a config whose runs all parse as training configs, or names the path of its first problem", () => {
    fc.assert(fc.property(mutationsOf(valid), (document) => {
      const error = thrown(() => parseReportConfig(document));
      if (error) {
        expect(expectOneLine(error, RangeError)).toMatch(/^\S.*?: \S/);
        return;
      }
      const config = parseReportConfig(document);
      expect(config.name).toMatch(/^[a-z0-9][a-z0-9-]{0,63}$/);
      for (const run of config.runs) expect(parseTrainConfig(run.train)).toEqual(run.train);
    }), { numRuns: 500 });
  });
});

describe("points under fuzzing", () => {
  const cell = fc.oneof(
    fc.double({ min: -100, max: 100, noNaN: true }).map(String),
    fc.constantFrom("", " ", "NaN", "Infinity", "1e999", "0x10", "1,2", "\"1\"", "-", "1e308", "-1e308"),
    fc.string({ maxLength: 4 }),
  );
  const csv = fc.array(fc.array(cell, { minLength: 1, maxLength: 3 }).map((cells) => cells.join(",")), { maxLength: 8 })
    .map((rows) => rows.join(fc.sample(fc.constantFrom("\n", "\r\n", "\r"), 1)[0]));
  const json = fc.oneof(
    fc.array(fc.array(fc.oneof(fc.double(), fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 3 }), { maxLength: 6 })
      .map((rows) => JSON.stringify(rows)),
    fc.string({ maxLength: 20 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  );

  function checkPoints(text: string, format: "csv" | "json") {
    const error = thrown(() => parsePoints(text, format));
    if (error) {
      expectOneLine(error, RangeError);
      return;
    }
    const points = parsePoints(text, format);
    expect(points.length % 2).toBe(0);
    expect(points.length).toBeGreaterThan(0);
    for (const value of points) expect(Number.isFinite(value)).toBe(true);
  }

  it("CSV: finite x,y pairs, or one line naming the row", () => {
    fc.assert(fc.property(csv, (text) => checkPoints(text, "csv")), { numRuns: 1000 });
  });

  it("JSON: finite x,y pairs, or one line naming the problem", () => {
    fc.assert(fc.property(json, (text) => checkPoints(text, "json")), { numRuns: 1000 });
  });
});

describe("run manifests and checkpoints under fuzzing", () => {
  it("parses a manifest or refuses it with one CheckpointError line", async () => {
    const { manifest } = await runWith(500, params);
    const valid = JSON.parse(JSON.stringify(manifest));
    fc.assert(fc.property(mutationsOf(valid), (document) => {
      const error = thrown(() => parseManifest(document));
      if (error) expectOneLine(error, CheckpointError);
    }), { numRuns: 500 });
  });

  it("decodes only the exact bytes the manifest lists: any flipped, cut or added byte is refused", async () => {
    const { manifest, bytes } = await runWith(500, params);
    const change = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(bytes.length - 1), mask: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat(bytes.length - 1) }),
      fc.record({ kind: fc.constant("add" as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    );
    await fc.assert(fc.asyncProperty(change, async (c) => {
      let changed: Uint8Array;
      if (c.kind === "flip") {
        changed = bytes.slice();
        changed[c.at] ^= c.mask;
      } else if (c.kind === "cut") changed = bytes.slice(0, c.at);
      else changed = new Uint8Array([...bytes, ...c.extra]);
      const error = await decodeCheckpoint(manifest, 500, changed).then(() => undefined, (e: unknown) => e);
      expectOneLine(error, CheckpointError);
    }), { numRuns: 100 });
  });
});

describe("ONNX models and float bundles under fuzzing", () => {
  const dims = modelDims(DEFAULT_TRAIN_CONFIG.model);
  const onnx = exportOnnx({ params: initMlpParams(0, dims), dims, parameterization: "eps", schedule: makeSchedule({ kind: "linear", T: 1000, betaStart: 1e-4, betaEnd: 0.02 }) });

  it("reads the metadata of a model it exported", () => {
    expect(readOnnxMetadata(onnx).dims).toEqual(dims);
  });

  it("refuses arbitrary or damaged bytes with one RangeError line, or reads a valid schedule", () => {
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 256 }),
      fc.tuple(fc.nat(onnx.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => {
        const copy = onnx.slice();
        copy[at] ^= mask;
        return copy;
      }),
      fc.nat(onnx.length - 1).map((at) => onnx.slice(0, at)),
    );
    fc.assert(fc.property(damaged, (bytes) => {
      const error = thrown(() => readOnnxMetadata(bytes));
      if (error) {
        expectOneLine(error, RangeError);
        return;
      }
      const metadata = readOnnxMetadata(bytes);
      expect(() => makeSchedule(metadata.schedule)).not.toThrow();
      for (const width of metadata.dims) expect(Number.isInteger(width) && width > 0).toBe(true);
    }), { numRuns: 300 });
  });

  it("decodes a float bundle exactly, or refuses damaged bytes with one line", () => {
    const bundle = encodeBundle({ kind: "fuzz" }, { a: [1, 2, 3], b: [0.5] });
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.tuple(fc.nat(bundle.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => {
        const copy = bundle.slice();
        copy[at] ^= mask;
        return copy;
      }),
      fc.nat(bundle.length - 1).map((at) => bundle.slice(0, at)),
    );
    fc.assert(fc.property(damaged, (bytes) => {
      const error = thrown(() => decodeBundle(bytes));
      if (error) expectOneLine(error, Error);
    }), { numRuns: 300 });
  });
});
