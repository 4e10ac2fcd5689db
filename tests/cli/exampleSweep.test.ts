import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

it("runs the README's sweep script: four trained runs, one published report", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const script = readFileSync(join(root, "examples/sweep-beta-end.ts"), "utf8");
  expect(readme).toContain(script.trim()); // the README shows exactly the script the test runs
  const reportsDir = mkdtempSync(join(tmpdir(), "chisel-sweep-"));
  const runsDir = mkdtempSync(join(tmpdir(), "chisel-sweep-runs-"));
  const result = spawnSync(
    join(root, "node_modules/.bin/deno"),
    ["run", "--allow-read", "--allow-write", "--allow-env", "--allow-sys", "examples/sweep-beta-end.ts", "30", reportsDir, runsDir],
    { cwd: root, encoding: "utf8" },
  );
  expect(result.stderr.split("\n").filter((line) => /error/i.test(line))).toEqual([]);
  expect(result.status).toBe(0);
  const report = JSON.parse(readFileSync(join(reportsDir, "my-beta-sweep", "report.json"), "utf8"));
  expect(report.runs).toHaveLength(4);
  expect(existsSync(join(reportsDir, "my-beta-sweep"))).toBe(true);
}, 600_000);
