/**
 * Plans the shard jobs of a publish (.github/workflows/publish.yml, or any engine that runs a job per
 * index): which report configs to build and how each is split. Prints one JSON document:
 *
 *   matrix   {include: [{name, config, hash, index, count, shard: "i/n"}, …]}: one job per shard, for a CI matrix
 *   configs  the report config files, space-separated, for the job that assembles them
 *   key      16 hex digits of SHA-256 over every planned report's config hash, for cache keys
 *
 *   deno run --allow-read scripts/publish-plan.ts [--config reports/NAME.json] [--shards N]
 *
 * Without --config it plans every reports/*.json. A report is split into --shards when given, else into
 * its config's `shards`, else into one shard per run, at most MAX_SHARDS; never into more shards than
 * runs (a shard with no run would be a job for nothing).
 */
import { relative, resolve } from "node:path";
import { SHARDS_SETTING } from "../src/core/reports/config.js";
import { sha256Hex } from "../src/core/hash.js";
import { reportHash } from "../src/io/reports/document.js";
import { PROJECT_ROOT } from "../src/io/reports/provenance.js";
import { readReportConfigs, reportConfigFiles } from "../src/io/reports/read.js";
import { parseFlags, settingFlag, UsageError } from "./cli/flags.js";

/** Shards of a report with no --shards: a runner each, within what a free account runs at once. */
export const MAX_SHARDS = 8;

const flags = {
  config: { type: "string", help: "plan only this report config (default: every reports/*.json)" },
  shards: settingFlag(SHARDS_SETTING, {
    help: `shards of each planned report (default: its config's shards, else one per run, at most ${MAX_SHARDS}; never more than its runs)`,
  }),
} as const;

async function plan(args: string[]) {
  const given = parseFlags(args, flags);
  const files = given.config === undefined ? await reportConfigFiles() : [given.config];
  if (files.length === 0) throw new UsageError("no report configs (reports/*.json) to plan");
  const include = [];
  const hashes: string[] = [];
  // Two configs of one name (refused) would also upload artifacts of one name.
  const configs = await readReportConfigs(files).catch((error) => {
    throw new UsageError(`--config ${(error as Error).message}`);
  });
  for (const [file, config] of configs) {
    const hash = await reportHash(config);
    hashes.push(`${config.name} ${hash}`);
    const count = Math.min(given.shards ?? config.shards ?? MAX_SHARDS, config.runs.length);
    const path = relative(PROJECT_ROOT, resolve(file));
    for (let index = 1; index <= count; index++) {
      include.push({ name: config.name, config: path, hash, index, count, shard: `${index}/${count}` });
    }
  }
  const key = (await sha256Hex(new TextEncoder().encode(hashes.join("\n")))).slice(0, 16);
  return { matrix: { include }, configs: [...new Set(include.map((job) => job.config))].join(" "), key };
}

try {
  console.log(JSON.stringify(await plan(Deno.args)));
} catch (error) {
  const usage = error instanceof UsageError || error instanceof RangeError;
  console.error(`publish-plan: ${(error as Error).message.split("\n")[0]}`);
  Deno.exitCode = usage ? 2 : 1;
}
