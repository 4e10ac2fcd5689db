/**
 * The versions a run's manifest records, whichever shell trains it (the CLI, the run cache, a report, the
 * Train page): chisel's, the runtime's, the engine's name, and the library the engine computes with. The
 * fused kernel is chisel's own code, so only tfjs engines add a library.
 */

/** What the training shell knows about itself. */
export interface RuntimeVersions {
  /** chisel's version (package.json), where the shell can read it. */
  chisel?: string;
  /** What runs the code, e.g. {deno: "2.9.6"} or {browser: navigator.userAgent}. */
  runtime: Record<string, string>;
  /** Versions of npm packages by package name, e.g. {"@tensorflow/tfjs": "4.22.0"}. */
  packages: Record<string, string>;
}

export function runVersions(engine: string, known: RuntimeVersions): Record<string, string> {
  const versions: Record<string, string> = {
    ...(known.chisel === undefined ? {} : { chisel: known.chisel }),
    ...known.runtime,
    engine,
  };
  const tfjs = known.packages["@tensorflow/tfjs"];
  if (engine.startsWith("tfjs") && tfjs !== undefined) versions.tfjs = tfjs;
  return versions;
}
