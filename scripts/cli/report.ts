import { PROJECT_ROOT } from "../../src/io/reports/provenance.js";
import { assembleReport, buildReport, type BuildReportOptions, type BuildReportResult } from "../../src/io/reports/build.js";
import type { ReportProgress } from "../../src/io/reports/pool.js";
import { readReportConfigs, recoverReports, REPORT_CONFIGS_DIR, reportConfigFiles } from "../../src/io/reports/read.js";
import { checkShardOut, parseShard, type Shard } from "../../src/io/reports/shards.js";
import { forgetCachedReport } from "../../src/data/views/siteCache.js";
import { integer } from "../../src/core/settings.js";
import { defineCommand } from "./command.js";
import { settingFlag, UsageError } from "./flags.js";
import { checkFolderFlag } from "./files.js";
import { catchStopSignals, STOP_SIGNALS } from "./common.js";

/** One stderr line per tenth of each run's training and per finished stage: parallel runs interleave. */
function progressLog(name: string) {
  const tenths = new Map<string, number>();
  return (event: ReportProgress) => {
    const run = `${name} ${event.run}`;
    if (event.kind === "run-start") console.error(`${run} (${event.label}): started`);
    else if (event.kind === "train") {
      const tenth = Math.floor((10 * event.event.step) / event.event.steps);
      if (tenth <= (tenths.get(event.run) ?? -1)) return;
      tenths.set(event.run, tenth);
      const { step, steps, loss, stepsPerSecond } = event.event;
      console.error(`${run}: training ${step}/${steps}, loss ${loss.toFixed(4)}, ${stepsPerSecond.toFixed(0)} steps/s`);
    } else if (event.kind === "evaluate") {
      if (event.done === event.total) console.error(`${run}: sampled and evaluated ${event.total} sampler × step settings`);
    } else {
      const { train, evaluate } = event.seconds;
      console.error(`${run}: done (${event.trained ? `trained in ${train.toFixed(1)} s` : "from the run cache"}, evaluated in ${evaluate.toFixed(1)} s)`);
    }
  };
}

async function allConfigs(): Promise<string[]> {
  const files = await reportConfigFiles();
  if (files.length === 0) throw new UsageError(`--all: no report configs (*.json) in ${REPORT_CONFIGS_DIR}`);
  return files;
}

/** Runs built at once: each worker holds a model and a sampler, and the machine has few cores. */
const PARALLEL_RUNS = integer({
  path: "parallel", flag: "parallel", label: "Parallel runs", help: "runs built at once, one worker each (default 2 on 2+ cores)", min: 1, max: 8,
});

export const reportCommand = defineCommand({
  name: "report",
  summary: "Builds a report (trains what the run cache lacks, samples, evaluates) and publishes it atomically to data/reports/NAME/.",
  flags: {
    config: { type: "string", help: "a report config JSON, e.g. reports/default.json" },
    all: { type: "boolean", help: "every report config in reports/*.json, one after another" },
    shard: { type: "string", help: "i/n: build only share i of n of the sweep's runs, into data/reports/.shards/NAME/ (the last shard to finish assembles) or --shard-out" },
    "shard-out": { type: "string", help: "with --shard and --config: write the shard as a self-contained folder (shard.json and its runs) to move to the assembling machine; nothing is assembled" },
    assemble: { type: "boolean", help: "publish the report from its finished shards, all n of one split of this config" },
    from: { type: "string", help: "with --assemble: the shard outputs gathered from anywhere, one or a folder of them (default data/reports/.shards/NAME)" },
    parallel: settingFlag(PARALLEL_RUNS),
    "reports-dir": { type: "string", help: "where reports are published (default data/reports)" },
    "runs-dir": { type: "string", help: "the run cache (default data/runs)" },
    quiet: { type: "boolean", help: "no progress lines on stderr" },
  },
  async run(flags) {
    if ((flags.config === undefined) === !flags.all) throw new UsageError("give either --config FILE or --all");
    if (flags.assemble && flags.shard !== undefined) throw new UsageError("--assemble goes without --shard: it uses every shard");
    if (flags["shard-out"] !== undefined && (flags.shard === undefined || flags.config === undefined)) {
      throw new UsageError("--shard-out goes with --shard i/n and one --config: it holds one shard of one report");
    }
    if (flags.from !== undefined && !flags.assemble) throw new UsageError("--from goes with --assemble: it names the shard outputs to assemble");
    let shard: Shard | undefined;
    if (flags.shard !== undefined) {
      try {
        shard = parseShard(flags.shard);
      } catch (error) {
        throw new UsageError(`--${(error as Error).message}`);
      }
    }
    for (const flag of ["reports-dir", "runs-dir"] as const) {
      const dir = flags[flag];
      if (dir !== undefined) await checkFolderFlag(flag, dir);
    }
    const shardOut = flags["shard-out"];
    if (shardOut !== undefined) {
      try {
        await checkShardOut(shardOut);
      } catch (error) {
        throw new UsageError(`--shard-out ${(error as Error).message}`);
      }
    }
    if (flags.from !== undefined && (await checkFolderFlag("from", flags.from)) === "missing") {
      throw new UsageError(`--from ${flags.from}: no such folder`);
    }
    // Reports whose publish was interrupted, recovered now: the site may have cached its index without them.
    for (const name of recoverReports(flags["reports-dir"]).recovered) await forgetCachedReport(name, flags["reports-dir"]);
    const files = flags.config === undefined ? await allConfigs() : [flags.config];
    // Every config is validated before anything is built.
    const configs = await readReportConfigs(files).catch((error) => {
      throw new UsageError(`--config ${(error as Error).message}`);
    });
    const stop = catchStopSignals();
    const reports: BuildReportResult[] = [];
    try {
      for (const [file, config] of configs) {
        const options: BuildReportOptions = {
          reportsDir: flags["reports-dir"],
          runsDir: flags["runs-dir"],
          shard,
          shardOut,
          from: flags.from,
          parallel: flags.parallel,
          signal: stop.signal,
          command: `chisel report --config ${file.startsWith(PROJECT_ROOT) ? file.slice(PROJECT_ROOT.length) : file}` +
            (shard ? ` --shard ${shard.index}/${shard.count}` : "") + (flags.assemble ? " --assemble" : ""),
          onProgress: flags.quiet ? undefined : progressLog(config.name),
        };
        const report = await (flags.assemble ? assembleReport(config, options) : buildReport(config, options));
        // The site would otherwise keep serving the report it had cached before this one.
        if (report.published) await forgetCachedReport(report.name, options.reportsDir);
        reports.push(report);
      }
    } catch (error) {
      const received = stop.received();
      if (!received) throw error;
      console.error(`chisel: ${received}: interrupted; the published reports are unchanged`);
      Deno.exitCode = STOP_SIGNALS[received];
    } finally {
      stop.remove();
    }
    return { reports };
  },
});
