import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const root = new URL("../../", import.meta.url).pathname;
const deno = join(root, "node_modules/.bin/deno");

/** The Deno arguments of `npm run chisel`, read from package.json so the tests grant what users get. */
const script: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.chisel;
const denoArgs = script.split(/\s+/).slice(1); // drop "deno"

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run chisel -- …` does, without npm's own output. */
export function chisel(...args: string[]): CliResult {
  const result = spawnSync(deno, [...denoArgs, ...args], { cwd: root, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts the CLI without waiting, for tests that signal it. Deno.Command, not node:child_process: Deno's
 * node compatibility reports a child that handled SIGINT as killed by it, whatever its exit code.
 */
export function chiselProcess(...args: string[]): Deno.ChildProcess {
  return new Deno.Command(deno, { args: [...denoArgs, ...args], cwd: root, stdout: "piped", stderr: "piped" }).spawn();
}
