import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const SNAPSHOTS = fileURLToPath(new URL("../site/__snapshots__/", import.meta.url));

/**
 * Compares an element's markup, pretty-printed, with tests/site/__snapshots__/NAME, as Observable Plot's
 * snapshot tests do: a mismatch writes NAME-changed.svg (or .html) beside the snapshot and fails with a
 * line diff, and a missing snapshot fails.
 * To write new or accept changed snapshots: `UPDATE_SNAPSHOTS=1 npm test -- tests/site/*.snapshots.test.ts`, then review the git diff.
 */
export function matchSnapshot(name: string, element: Element): void {
  const actual = prettyMarkup(element);
  const file = SNAPSHOTS + name;
  const changedName = name.replace(/(\.[^.]+)?$/, "-changed$1");
  const expected = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  if (actual !== expected && process.env.UPDATE_SNAPSHOTS === "1") {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, actual);
  } else if (expected === undefined) {
    throw new Error(`snapshot ${name} is missing: rerun with UPDATE_SNAPSHOTS=1 to write it, then commit it`);
  } else if (actual !== expected) {
    writeFileSync(SNAPSHOTS + changedName, actual);
    expect(actual, `snapshot ${name} changed (new output in ${changedName} beside it; UPDATE_SNAPSHOTS=1 accepts it)`)
      .toBe(expected);
  }
  // Passed or accepted: a stale copy from an earlier failure would mislead.
  rmSync(SNAPSHOTS + changedName, { force: true });
}

/**
 * The element's HTML serialization with one element per line, indented by two spaces per level, and a final
 * newline. Tags, attributes (in their order) and text are jsdom's own serialization, so only line breaks are
 * added, and only between sibling elements: an element holding any text keeps its whole content on one line,
 * since a break inside text would change it (so `<td>β<sub>t</sub></td>` stays whole).
 */
function prettyMarkup(element: Element): string {
  const lines: string[] = [];
  const print = (node: Element, depth: number) => {
    const indent = "  ".repeat(depth);
    const children = [...node.childNodes];
    const elementsOnly = children.length > 0 && children.every((child) => child.nodeType === child.ELEMENT_NODE);
    if (!elementsOnly) {
      lines.push(indent + node.outerHTML);
      return;
    }
    // The start and end tags as serialized, read off a childless copy: `<g a="1"></g>`.
    const tags = (node.cloneNode(false) as Element).outerHTML;
    const endTag = tags.match(/<\/[^<>]*>$/)![0];
    lines.push(indent + tags.slice(0, -endTag.length));
    for (const child of node.children) print(child, depth + 1);
    lines.push(indent + endTag);
  };
  print(element, 0);
  return lines.join("\n") + "\n";
}
