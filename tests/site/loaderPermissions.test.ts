/**
 * Data loaders run as `deno run LOADER_FLAGS loader.ts` (observablehq.config.ts). A loader-like probe,
 * run with the flags of a scratch project, must reach no network and no module by URL, read nothing
 * outside the project, write nothing outside data/runs, symlinks included; a real loader must still
 * work. Nothing here needs the network: every refusal comes before any connection is tried.
 */
import { execFile } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config, { LOADER_FLAGS, loaderFlags } from "../../observablehq.config.js";
import { assertInsideRunFolder } from "../../src/io/confine.js";

const project = fileURLToPath(new URL("../..", import.meta.url));
const deno = join(project, "node_modules", ".bin", "deno");

function runDeno(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(deno, args, { cwd, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Each probe prints "ok" or its error's name and first line.
const PROBE = (runStore: string, trainConfig: string, runs: string, outside: string) => `
import { readFile, writeFile } from "node:fs/promises";
import { runTraining } from ${JSON.stringify(runStore)};
import { parseTrainConfig } from ${JSON.stringify(trainConfig)};
const runs = ${JSON.stringify(runs)};
const outside = ${JSON.stringify(outside)};
const probes = {
  remoteImport: () => import("https://deno.land/std/path/mod.ts"),
  jsrImport: () => import("jsr:@std/path"),
  npmImport: () => import("npm:left-pad@1.3.0"),
  fetch: () => fetch("https://example.com/"),
  socket: () => Deno.connect({ hostname: "127.0.0.1", port: 9 }),
  readEtc: () => Deno.readTextFile("/etc/hostname"),
  readOutside: () => readFile(outside + "/secret.txt", "utf8"),
  readThroughLink: () => readFile(runs + "/early/secret.txt", "utf8"),
  writeOutside: () => writeFile(outside + "/written.txt", "x"),
  writeThroughLink: () => writeFile(runs + "/early/written.txt", "x"),
  writeThroughDanglingLink: () => writeFile(runs + "/dangling", "x"),
  writeInRuns: () => writeFile(runs + "/written.txt", "x"),
  env: () => Deno.env.get("HOME"),
  subprocess: () => new Deno.Command("true").output(),
  storeThroughLateLink: () => runTraining({
    config: parseTrainConfig({}), engine: {}, runDir: runs + "/late/run", within: runs, command: "probe", versions: {},
  }),
};
const results = {};
for (const [name, probe] of Object.entries(probes)) {
  try {
    await probe();
    results[name] = "ok";
  } catch (error) {
    results[name] = error.name + ": " + String(error.message).split("\\n")[0];
  }
}
console.log(JSON.stringify(results));
`;

describe("data loader permissions", () => {
  let scratch: string;
  let outside: string;
  let results: Record<string, string>;
  let stderr: string;

  // A scratch project: data/runs holds links out of it made before the flags are computed (as links
  // already there when a build starts) and one made after (which only the run store can catch).
  beforeAll(async () => {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), "chisel-loader-")));
    outside = realpathSync(mkdtempSync(join(tmpdir(), "chisel-outside-")));
    writeFileSync(join(outside, "secret.txt"), "secret");
    copyFileSync(join(project, "deno.json"), join(scratch, "deno.json"));
    const runs = join(scratch, "data", "runs");
    mkdirSync(runs, { recursive: true });
    symlinkSync(outside, join(runs, "early"));
    symlinkSync(join(outside, "missing"), join(runs, "dangling"));
    const flags = loaderFlags(scratch);
    symlinkSync(outside, join(runs, "late"));
    const src = (path: string) => pathToFileURL(join(project, path)).href;
    const probe = PROBE(src("src/io/runStore.ts"), src("src/core/training/config.ts"), runs, outside);
    writeFileSync(join(scratch, "probe.ts"), probe);
    const run = await runDeno(["run", ...flags, join(scratch, "probe.ts")], scratch);
    stderr = run.stderr;
    expect(run.code, run.stderr).toBe(0);
    results = JSON.parse(run.stdout.trim().split("\n").pop()!);
  }, 60_000);

  afterAll(() => {
    for (const dir of [scratch, outside]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("loads no module from a URL, jsr: or npm: and downloads nothing", () => {
    expect(results.remoteImport).toMatch(/^TypeError: .*(--no-remote|import access)/);
    expect(results.jsrImport).toMatch(/^TypeError: .*(--no-remote|import access)/);
    expect(results.npmImport).toMatch(/^TypeError: Could not find a matching package .* in the node_modules directory/);
    expect(stderr).not.toMatch(/Download/);
  });

  it("opens no connection", () => {
    expect(results.fetch).toMatch(/^NotCapable: Requires net access/);
    expect(results.socket).toMatch(/^NotCapable: Requires net access/);
  });

  it("reads nothing outside the project, through a link in data/runs neither", () => {
    expect(results.readEtc).toMatch(/^NotCapable: Requires read access to "\/etc\/hostname"/);
    expect(results.readOutside).toMatch(/^NotCapable: Requires read access/);
    expect(results.readThroughLink).toMatch(/^NotCapable: Requires read access/);
  });

  it("writes only inside data/runs, never through a link out of it", () => {
    expect(results.writeInRuns).toBe("ok");
    expect(results.writeOutside).toMatch(/^NotCapable: Requires write access/);
    expect(results.writeThroughLink).toMatch(/^NotCapable: Requires write access/);
    expect(results.writeThroughDanglingLink).toMatch(/^NotCapable: Requires write access/);
    expect(results.storeThroughLateLink).toBe(
      `Error: ${scratch}/data/runs/late/run leads to ${outside}/run, outside the run folder ${scratch}/data/runs: refusing to write there`,
    );
    expect(readdirSync(outside)).toEqual(["secret.txt"]);
  });

  it("grants no environment variable and no subprocess", () => {
    expect(results.env).toMatch(/^NotCapable: Requires env access/);
    expect(results.subprocess).toMatch(/^NotCapable: Requires run access/);
  });
});

describe("the site's loaders", () => {
  it("run with LOADER_FLAGS, which the config gives Framework", () => {
    expect(config.interpreters[".ts"]).toEqual([deno, "run", ...LOADER_FLAGS]);
  });

  it("still work under them: default-config.json.ts prints the committed config", async () => {
    const run = await runDeno(["run", ...LOADER_FLAGS, "src/data/default-config.json.ts"], project);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(
      JSON.parse(readFileSync(join(project, "data/configs/default.json"), "utf8")),
    );
  });
});

describe("assertInsideRunFolder", () => {
  let root: string;
  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "chisel-confine-")));
    mkdirSync(join(root, "runs", "a"), { recursive: true });
    mkdirSync(join(root, "elsewhere"));
    symlinkSync(join(root, "elsewhere"), join(root, "runs", "out"));
    symlinkSync(join(root, "elsewhere", "missing"), join(root, "runs", "dangling"));
    symlinkSync(join(root, "runs", "a"), join(root, "runs", "in"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("accepts paths inside the real run folder, existing or not, links that stay in it included", async () => {
    const runs = join(root, "runs");
    for (const path of ["a", "a/new/deeper", "not-yet", "in/x"]) await assertInsideRunFolder(join(runs, path), runs);
  });

  it("refuses a path through a link out of it, a dangling one included, or up and out", async () => {
    const runs = join(root, "runs");
    await expect(assertInsideRunFolder(join(runs, "out", "run"), runs)).rejects.toThrow(
      `${runs}/out/run leads to ${root}/elsewhere/run, outside the run folder ${runs}: refusing to write there`,
    );
    await expect(assertInsideRunFolder(join(runs, "dangling", "run"), runs)).rejects.toThrow(
      /leads to .*\/elsewhere\/missing\/run, outside/,
    );
    await expect(assertInsideRunFolder(join(runs, "..", "elsewhere"), runs)).rejects.toThrow(/outside the run folder/);
  });
});
