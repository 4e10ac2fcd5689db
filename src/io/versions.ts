/**
 * Version numbers on Deno, all read from chisel's package.json (its version and pinned dependencies):
 * what a run trained here records (core/training/versions.ts), and what report provenance lists.
 */
import { readBoundedText } from "./files.js";
import { runVersions } from "../core/training/versions.js";

const PACKAGE_JSON = new URL("../../package.json", import.meta.url);

export interface PackageVersions {
  chisel: string;
  /** Pinned versions by package name. */
  dependencies: Record<string, string>;
}

export async function readPackageVersions(): Promise<PackageVersions> {
  const pkg = JSON.parse(await readBoundedText(PACKAGE_JSON, "config"));
  return { chisel: pkg.version, dependencies: pkg.dependencies ?? {} };
}

/** The versions a run that `engine` trains in this Deno process records. */
export async function runtimeVersions(engine: string): Promise<Record<string, string>> {
  const { chisel, dependencies } = await readPackageVersions();
  return runVersions(engine, { chisel, runtime: { deno: Deno.version.deno }, packages: dependencies });
}
