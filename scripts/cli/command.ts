import type { FlagSpecs, FlagValues } from "./flags.js";

/** One chisel subcommand: its flags, and a run that returns the JSON document to print. */
export interface Command<S extends FlagSpecs = FlagSpecs> {
  name: string;
  summary: string;
  flags: S;
  /** The command's own --out (a run directory, a model file); its JSON summary then goes to stdout. */
  ownsOut?: boolean;
  run(flags: FlagValues<S>): Promise<unknown> | unknown;
}

export function defineCommand<S extends FlagSpecs>(command: Command<S>): Command<S> {
  return command;
}
