/**
 * The layers of the code, checked on its import graph: every .ts/.js file of src, scripts and examples,
 * mod.ts, and the ```js blocks of the site's Markdown pages under src. Each layer imports only from the
 * layers below it (ALLOWED), and no chain of imports comes back to where it started.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

type Layer = "core" | "engines" | "io" | "data" | "views" | "components" | "pages" | "scripts" | "api" | "examples";

/**
 * What each layer may import. `views` (src/data/views) is part of `data`; pages use only those of it.
 * `api` is mod.ts, the scripting API, which the examples use.
 */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ["core"],
  engines: ["core", "engines"],
  io: ["core", "engines", "io"],
  data: ["core", "engines", "io", "data", "views"],
  views: ["core", "engines", "io", "data", "views"],
  components: ["core", "engines", "components"],
  pages: ["core", "engines", "components", "views", "pages"],
  scripts: ["core", "engines", "io", "data", "views", "scripts"],
  api: ["core", "engines", "io"],
  examples: ["core", "engines", "io", "api"],
};

/** The layer of a file, by its path from the project root; undefined for a file no layer claims. */
function layerOf(file: string): Layer | undefined {
  if (file === "mod.ts") return "api";
  if (file.startsWith("examples/")) return "examples";
  if (file.startsWith("scripts/")) return "scripts";
  if (file.startsWith("src/data/views/")) return "views";
  for (const layer of ["core", "engines", "io", "data", "components"] as const) {
    if (file.startsWith(`src/${layer}/`)) return layer;
  }
  if (file.startsWith("src/reports/") || /^src\/[^/]+\.md$/.test(file)) return "pages";
  return undefined;
}

/** Project files under `dir` with one of the extensions, hidden folders (Framework's cache) aside. */
function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => extensions.some((extension) => file.endsWith(extension)))
    .filter((file) => !file.split("/").some((part) => part.startsWith(".") || part === "node_modules"))
    .map((file) => join(dir, file));
}

/** The code a page runs: its ```js blocks (not those marked run=false, which are only shown). */
function pageCode(markdown: string): string {
  const blocks = [...markdown.matchAll(/^```js\b([^\n]*)\n([\s\S]*?)^```/gm)];
  return blocks.filter(([, info]) => !/\brun=false\b/.test(info)).map(([, , code]) => code).join("\n");
}

/**
 * The specifiers a module imports: static imports and exports with `from` (type-only ones too, since they
 * tie the layers as much), side-effect imports and import("…") with a string literal. TypeScript's own
 * pre-processor reads them, so comments and strings that merely look like imports are skipped.
 */
function specifiers(code: string): string[] {
  return ts.preProcessFile(code, true, true).importedFiles.map((file) => file.fileName);
}

/** The project file an import names: `.js` is its `.ts` where that exists; a page's "/x" is src/x. */
function resolve(from: string, specifier: string, files: Set<string>): string | undefined {
  if (!specifier.startsWith(".") && !specifier.startsWith("/")) return undefined; // a package
  const path = specifier.startsWith("/") ? join("src", specifier) : join(dirname(from), specifier);
  const candidates = path.endsWith(".js")
    ? [path.slice(0, -".js".length) + ".ts", path]
    : [path, `${path}.ts`, `${path}.js`, join(path, "index.ts")];
  return candidates.find((candidate) => files.has(candidate));
}

/** Every project file with the project files it imports. */
function importGraph(): Map<string, string[]> {
  const modules = ["mod.ts", ...["src", "scripts", "examples"].flatMap((dir) => filesUnder(dir, [".ts", ".js"]))];
  const pages = filesUnder("src", [".md"]);
  const files = new Set([...modules, ...pages]);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    const imported = specifiers(file.endsWith(".md") ? pageCode(text) : text)
      .map((specifier) => resolve(file, specifier, files))
      .filter((target): target is string => target !== undefined && target !== file);
    graph.set(file, [...new Set(imported)].sort());
  }
  return graph;
}

/** One cycle per strongly connected component of more than one file (Tarjan), as a path back to its start. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(next)!));
      }
    }
    if (lowLink.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) components.push(component);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return components.map((component) => shortestCycle(graph, new Set(component)));
}

/** The shortest path from the component's first file (by name) back to itself, inside the component. */
function shortestCycle(graph: Map<string, string[]>, component: Set<string>): string[] {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of graph.get(file) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}

describe("the import graph", () => {
  const graph = importGraph();

  it("covers the project, each file in a layer", () => {
    expect(graph.size).toBeGreaterThan(150);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect([...graph.keys()].filter((file) => layerOf(file) === undefined), "files in no layer").toEqual([]);
  });

  it("runs only down the layers", () => {
    const upward = [...graph].flatMap(([from, targets]) => {
      const layer = layerOf(from)!;
      return targets
        .filter((to) => !ALLOWED[layer].includes(layerOf(to)!))
        .map((to) => `${from} → ${to}  (${layer} may not import ${layerOf(to)})`);
    });
    expect(upward.join("\n"), "imports that run up a layer, from → to").toBe("");
  });

  it("has no cycle", () => {
    const found = cycles(graph).map((cycle) => cycle.join(" → "));
    expect(found.join("\n"), "import cycles").toBe("");
  });
});
