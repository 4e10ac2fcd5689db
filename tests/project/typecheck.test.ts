import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

/** Every TypeScript file of the project (pages' .js and Framework's cache aside). */
function typescriptFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.split("/").some((part) => part.startsWith(".")))
    .map((file) => join(dir, file));
}

it("type-checks strictly under Deno (core, engines, IO, site, CLI, tests)", () => {
  const files = ["mod.ts", ...["src", "scripts", "tests", "examples"].flatMap(typescriptFiles)];
  expect(files.length).toBeGreaterThan(50);
  const result = spawnSync(join(root, "node_modules/.bin/deno"), ["check", "--quiet", ...files], {
    cwd: root,
    encoding: "utf8",
  });
  // Deno reports each error with its file; show them relative to the project.
  expect(result.stderr.replaceAll(`file://${root}`, ""), relative(root, root)).toBe("");
  expect(result.status).toBe(0);
}, 300_000);
