/**
 * The chisel CLI: `npm run chisel -- <command> [flags]`. Output is JSON on stdout or in --out FILE.
 * Exit codes: 0 done, 2 bad usage (flags, files), 1 anything else (a run that diverged, an output holding
 * a number that is not finite), 128 + the signal's number when SIGINT, SIGTERM or SIGHUP stopped train or
 * report (130, 143, 129). Errors are one line, never a stack trace.
 */
import { COMMANDS as commands } from "./cli/commands.js";
import { helpText, parseFlags, UsageError } from "./cli/flags.js";
import { checkOutPath, writeJson } from "./cli/output.js";

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Usage: chisel <command> [flags]     (npm run chisel -- <command> [flags])",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --help, and --out FILE to write its JSON to a file.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(overview());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}: expected one of ${commands.map((c) => c.name).join(", ")}`);
  const specs = command.ownsOut
    ? command.flags
    : { ...command.flags, out: { type: "string", help: "write the JSON here instead of stdout" } } as const;
  const flags = parseFlags(rest, specs);
  if (flags.help) {
    console.log(helpText(command.name, command.summary, specs));
    return 0;
  }
  const out = command.ownsOut ? undefined : flags.out as string | undefined;
  if (out !== undefined) await checkOutPath("out", out); // before the work, not after it
  const document = await command.run(flags);
  await writeJson(document, out);
  return 0;
}

try {
  const code = await main(Deno.args);
  Deno.exitCode ||= code; // a command may have set its own (e.g. 143 after SIGTERM)
} catch (error) {
  // The core throws RangeError for out-of-range input: that is bad usage too.
  const usage = error instanceof UsageError || error instanceof RangeError;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`chisel: ${message.split("\n")[0]}`);
  Deno.exitCode = usage ? 2 : 1;
}
