import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configHash, parseTrainConfig } from "../../src/core/training/config.js";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { configDatasetPath, pinReportDatasets, readDatasetFile, resolveDataset } from "../../src/io/datasetFile.js";
import { READ_LIMITS } from "../../src/io/files.js";

const dir = mkdtempSync(join(tmpdir(), "chisel-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder with a data/datasets folder, and a file outside it. */
const project = join(dir, "project");
mkdirSync(join(project, "data", "datasets"), { recursive: true });
const ROWS = "x,y\n0,0\n4,0\n4,2\n0,2\n1,1\n";
writeFileSync(join(project, "data", "datasets", "box.csv"), ROWS);
writeFileSync(join(project, "data", "datasets", "moved.csv"), ROWS);
writeFileSync(join(project, "data", "datasets", "edited.csv"), ROWS.replace("4,2", "4,3"));
writeFileSync(join(dir, "outside.csv"), ROWS);

const fileConfig = (file: string, sha256?: string) => parseTrainConfig({ dataset: { file, ...(sha256 ? { sha256 } : {}) } });

describe("readDatasetFile", () => {
  it("hashes the bytes: the same content at two paths has one SHA-256, one changed digit another", async () => {
    const a = await readDatasetFile(join(project, "data/datasets/box.csv"));
    const moved = await readDatasetFile(join(project, "data/datasets/moved.csv"));
    const edited = await readDatasetFile(join(project, "data/datasets/edited.csv"));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(moved.sha256).toBe(a.sha256);
    expect(edited.sha256).not.toBe(a.sha256);
    expect(a.points.length).toBe(10);
    expect(a.normalisation.centre).toEqual([1.8, 1]);
  });

  it("makes the config hash follow the content and not the path", async () => {
    const resolve = async (file: string) => configHash({ ...fileConfig(file), dataset: (await resolveDataset(fileConfig(file).dataset, { root: project })).dataset });
    const box = await resolve("data/datasets/box.csv");
    expect(await resolve("data/datasets/moved.csv")).toBe(box);
    expect(await resolve("data/datasets/edited.csv")).not.toBe(box);
  });

  it("refuses a missing file, a file past the limit and a bad row in one line starting with the path", async () => {
    await expect(readDatasetFile(join(dir, "none.csv"))).rejects.toThrow(/none\.csv: no such file$/);
    const big = join(dir, "big.csv");
    writeFileSync(big, "");
    truncateSync(big, READ_LIMITS.points + 1); // sparse: refused by its size before a byte is read
    await expect(readDatasetFile(big)).rejects.toThrow(/big\.csv: larger than the 128 MB limit for points files$/);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x,y\n1,2\n1,two\n");
    await expect(readDatasetFile(bad)).rejects.toThrow(/bad\.csv: points: line 3, column 2 is "two", need a finite decimal number$/);
    const binary = join(dir, "binary.csv");
    writeFileSync(binary, new Uint8Array([0xff, 0xfe, 0x31]));
    await expect(readDatasetFile(binary)).rejects.toThrow(/binary\.csv: not UTF-8 text/);
  });
});

describe("resolveDataset: a config's file", () => {
  it("reads a path relative to the project root and fills in its SHA-256", async () => {
    const { dataset, file } = await resolveDataset(fileConfig("data/datasets/box.csv").dataset, { root: project });
    expect(dataset.sha256).toBe(file!.sha256);
    expect(dataset.file).toBe("data/datasets/box.csv");
  });

  it("refuses a file outside the project, also through a link, naming the config's path", async () => {
    await expect(resolveDataset(fileConfig("../outside.csv").dataset, { root: project })).rejects.toThrow(
      /^\.\.\/outside\.csv: lies outside the project folder/,
    );
    await expect(resolveDataset(fileConfig(join(dir, "outside.csv")).dataset, { root: project })).rejects.toThrow(/lies outside the project folder/);
    symlinkSync(join(dir, "outside.csv"), join(project, "data", "datasets", "link.csv"));
    await expect(configDatasetPath("data/datasets/link.csv", project)).rejects.toThrow(/lies outside the project folder/);
  });

  it("refuses content that no longer matches a pinned SHA-256", async () => {
    const { file } = await resolveDataset(fileConfig("data/datasets/box.csv").dataset, { root: project });
    await expect(resolveDataset(fileConfig("data/datasets/edited.csv", file!.sha256).dataset, { root: project })).rejects.toThrow(
      /^data\/datasets\/edited\.csv: its SHA-256 is [0-9a-f]{12}…, the config pins [0-9a-f]{12}…: the file changed since/,
    );
    expect((await resolveDataset(fileConfig("data/datasets/moved.csv", file!.sha256).dataset, { root: project })).file).toBeDefined();
  });

  it("leaves a built-in dataset as it is", async () => {
    const dataset = parseTrainConfig({}).dataset;
    expect(await resolveDataset(dataset)).toEqual({ dataset });
  });

  it("pins the SHA-256 into every run of a report config", async () => {
    const config = parseReportConfig({
      name: "own", title: "Own", train: { dataset: { file: "data/datasets/box.csv" } }, sweep: { "training.seed": [0, 1] },
    });
    const pinned = await pinReportDatasets(config, project);
    const sha = (await readDatasetFile(join(project, "data/datasets/box.csv"))).sha256;
    expect(pinned.runs.map((run) => run.train.dataset.sha256)).toEqual([sha, sha]);
    expect(pinned.train.dataset.sha256).toBe(sha);
  });
});
