/**
 * scripts/publish-plan.ts, the planner of publish.yml's matrix: one job per shard of each report config
 * (as many as --shards, else the config's shards, else one per run), whose shards together build every
 * run once, and one-line refusals of bad input.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportConfig } from "../../src/core/reports/config.js";
import { reportHash } from "../../src/io/reports/document.js";
import { readReportConfig } from "../../src/io/reports/read.js";
import { shardRuns } from "../../src/io/reports/shards.js";
import { root } from "../support/cli.js";

interface Job {
  name: string;
  config: string;
  hash: string;
  index: number;
  count: number;
  shard: string;
}

function plan(...args: string[]) {
  const result = spawnSync(join(root, "node_modules/.bin/deno"), ["run", "--allow-read", "scripts/publish-plan.ts", ...args], { cwd: root, encoding: "utf8" });
  return { code: result.status, stderr: result.stderr, plan: result.status === 0 ? JSON.parse(result.stdout) : undefined };
}

describe("the publish plan", () => {
  it("splits every committed report config into one shard per run (at most 8), each built from its config's hash", async () => {
    const { code, stderr, plan: { matrix, configs, key } } = plan();
    expect(code, stderr).toBe(0);
    const files = ["reports/beta-end-sweep.json", "reports/ddpm-vs-flow-matching.json", "reports/default.json", "reports/linear-vs-cosine.json"];
    expect(configs).toBe(files.join(" "));
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    for (const file of files) {
      const config = await readReportConfig(join(root, file));
      const jobs: Job[] = matrix.include.filter((job: Job) => job.config === file);
      const count = Math.min(8, config.runs.length);
      expect(jobs.map((job) => job.shard)).toEqual(Array.from({ length: count }, (_, i) => `${i + 1}/${count}`));
      for (const job of jobs) expect(job).toMatchObject({ name: config.name, hash: await reportHash(config), count, index: Number(job.shard.split("/")[0]) });
      // The shards build every run exactly once.
      const built = jobs.flatMap((job) => shardRuns(config.runs, job).map((run) => run.id)).sort();
      expect(built).toEqual(config.runs.map((run) => run.id).sort());
    }
  });

  it("plans one config with the shard count asked, never more shards than runs", () => {
    expect(plan("--config", "reports/beta-end-sweep.json", "--shards", "2").plan.matrix.include.map((job: Job) => job.shard)).toEqual(["1/2", "2/2"]);
    const most = plan("--config", "reports/beta-end-sweep.json", "--shards", "32").plan;
    expect(most.matrix.include.map((job: Job) => job.shard)).toEqual(["1/5", "2/5", "3/5", "4/5", "5/5"]);
    expect(most.configs).toBe("reports/beta-end-sweep.json");
  });

  it("takes the shard count from the config, the --shards input overriding it, never more shards than runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "chisel-plan-"));
    const source = JSON.parse(readFileSync(join(root, "reports/beta-end-sweep.json"), "utf8"));
    const file = join(dir, "split.json");
    writeFileSync(file, JSON.stringify({ ...source, shards: 2 }));
    const shards = (...args: string[]) => plan("--config", file, ...args).plan.matrix.include.map((job: Job) => job.shard);
    expect(shards()).toEqual(["1/2", "2/2"]);
    expect(shards("--shards", "3")).toEqual(["1/3", "2/3", "3/3"]);
    expect(shards("--shards", "32")).toEqual(["1/5", "2/5", "3/5", "4/5", "5/5"]);
  });

  it("leaves the shard count out of the report's hash: how a build is split does not change what it publishes", async () => {
    const source = JSON.parse(readFileSync(join(root, "reports/beta-end-sweep.json"), "utf8"));
    const split = parseReportConfig({ ...source, shards: 3 });
    expect(split.shards).toBe(3);
    expect(await reportHash(split)).toBe(await reportHash(parseReportConfig(source)));
  });

  const badShards: [unknown, RegExp][] = [
    [0, /^shards: must be an integer from 1 to 32, got 0$/],
    [1.5, /^shards: must be an integer from 1 to 32, got 1\.5$/],
    [6, /^shards: must be an integer from 1 to 5 \(one shard per run at most\), got 6$/],
  ];
  it.each(badShards)("refuses a config's shards of %j in one line, naming the allowed range", (shards, message) => {
    const source = JSON.parse(readFileSync(join(root, "reports/beta-end-sweep.json"), "utf8"));
    expect(() => parseReportConfig({ ...source, shards })).toThrow(message);
    const dir = mkdtempSync(join(tmpdir(), "chisel-plan-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...source, shards }));
    const { code, stderr } = plan("--config", join(dir, "bad.json"));
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^publish-plan: --config .*bad\.json: shards: must be an integer/);
  });

  it("refuses two report configs of one name, which would publish into one folder, in one line", () => {
    // A scratch project whose reports/ holds the twins: the planner reads every reports/*.json of its project.
    const dir = mkdtempSync(join(tmpdir(), "chisel-plan-"));
    for (const path of ["scripts", "src", "package.json", "deno.json"]) {
      cpSync(join(root, path), join(dir, path), { recursive: true, filter: (source) => !source.includes(".observablehq") });
    }
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    mkdirSync(join(dir, "reports"));
    const source = readFileSync(join(root, "reports/default.json"), "utf8");
    writeFileSync(join(dir, "reports", "a.json"), source);
    writeFileSync(join(dir, "reports", "b.json"), source);
    const result = spawnSync(join(root, "node_modules/.bin/deno"), ["run", "--allow-read", "scripts/publish-plan.ts"], { cwd: dir, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^publish-plan: .*b\.json and .*a\.json both name the report default: give each report its own name/);
  });

  it("keys the cache on the planned configs' hashes", () => {
    const dir = mkdtempSync(join(tmpdir(), "chisel-plan-"));
    const source = JSON.parse(readFileSync(join(root, "reports/default.json"), "utf8"));
    writeFileSync(join(dir, "a.json"), JSON.stringify(source));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ ...source, title: "another title" }));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ ...source, seeds: [0] }));
    const [a, b, c] = ["a", "b", "c"].map((name) => plan("--config", join(dir, `${name}.json`)).plan.key);
    expect(a).toBe(b); // the title decides nothing that is built
    expect(a).not.toBe(c);
  });

  const bad: [string[], RegExp][] = [
    [["--shards", "0"], /^publish-plan: --shards must be an integer from 1 to 32, got "0"$/],
    [["--config", "reports/none.json"], /^publish-plan: --config reports\/none\.json: no such file$/],
    [["--colour", "red"], /^publish-plan: unknown flag --colour/],
  ];
  it.each(bad)("refuses %j with one line and exit code 2", (args, message) => {
    const { code, stderr } = plan(...args);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(message);
  });
});
