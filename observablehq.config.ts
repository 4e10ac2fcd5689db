// Observable Framework config for a site that builds, previews and runs with no network access.
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Framework reports each build to its telemetry server unless this is set before its first event,
// which comes after the config is read.
process.env.OBSERVABLE_TELEMETRY_DISABLE ??= "true";

/**
 * Framework's client code lazily imports its recommended libraries as `npm:name` (d3, Plot, lodash…),
 * and resolving each one's version asks registry.npmjs.org, on every build, unless a `name@version`
 * folder already sits in the npm cache. Pre-create those folders, with the node_modules version where
 * the package is installed: the build then never touches the network. Pages must import libraries
 * explicitly from node_modules (`import * as Plot from "@observablehq/plot"`); an implicit `Plot` or
 * `d3` would be fetched from jsDelivr, and fails the build offline.
 */
function pinClientNpmImports(): void {
  const client = here("./node_modules/@observablehq/framework/dist/client/");
  const names = new Set<string>();
  for (const file of readdirSync(client, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".js")) continue;
    for (const [, name] of readFileSync(client + file, "utf8").matchAll(/["']npm:((?:@[\w.-]+\/)?[\w.-]+)/g)) {
      names.add(name);
    }
  }
  for (const name of names) {
    const manifest = here(`./node_modules/${name}/package.json`);
    // Any valid semver does for a package we never load; the prerelease tag says why it is there.
    const version = existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")).version : "0.0.0-offline";
    mkdirSync(here(`./src/.observablehq/cache/_npm/${name}@${version}`), { recursive: true });
  }
}
pinClientNpmImports();

/** Deno from node_modules by absolute path, so loaders run whatever the PATH of the build. */
const deno = here("./node_modules/.bin/deno");

export default {
  root: "src",
  title: "chisel",
  pages: [
    { name: "Overview", path: "/" },
    { name: "Noise schedules", path: "/schedules" },
    { name: "Images", path: "/images" },
  ],
  // Links end in .html, so dist/ works from any plain static file server.
  cleanUrls: false,
  // The default global stylesheets are Google Fonts: drop them (the theme's font stacks fall back to
  // local fonts) but keep Inputs' stylesheet, which Framework builds locally.
  globalStylesheets: ["observablehq:stdlib/inputs.css"],
  // An empty icon, so browsers do not request /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  footer: "chisel: denoising diffusion on 2D data.",
  // Loaders import only local modules, which Deno loads without permissions: grant none, never prompt.
  interpreters: { ".ts": [deno, "run", "--no-prompt"] },
};
