import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const SNAPSHOTS = fileURLToPath(new URL("../site/__snapshots__/", import.meta.url));

/**
 * Compares an element's HTML with tests/site/__snapshots__/NAME, as Observable Plot's snapshot tests do:
 * a missing snapshot is written on a developer's machine (commit it), and fails under CI.
 */
export function matchSnapshot(name: string, element: Element): void {
  const actual = element.outerHTML;
  const file = SNAPSHOTS + name;
  if (!existsSync(file)) {
    if (process.env.CI) throw new Error(`snapshot ${name} is missing: run the tests locally and commit it`);
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}
