import type { FlagSpecs, FlagValues } from "./flags.js";

/** One chisel subcommand: its flags, and a run that returns the JSON document to print. */
export interface Command<S extends FlagSpecs = FlagSpecs> {
  name: string;
  summary: string;
  flags: S;
  run(flags: FlagValues<S>): Promise<unknown> | unknown;
}

export function defineCommand<S extends FlagSpecs>(command: Command<S>): Command<S> {
  return command;
}
