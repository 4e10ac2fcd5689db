// Sweeps β_end over four values and publishes the report data/reports/my-beta-sweep (the site's /reports/my-beta-sweep).
import * as chisel from "../mod.ts";
const [steps = "4000", reportsDir, runsDir] = Deno.args; // the tests pass a few steps and scratch folders
const config = chisel.parseReportConfig({
  name: "my-beta-sweep", title: "β_end from 0.005 to 0.04",
  train: { training: { steps: Number(steps) } }, sweep: { "schedule.betaEnd": [0.005, 0.01, 0.02, 0.04] },
  samplers: [{ sampler: "ddpm" }, { sampler: "dpm-solver++" }], steps: [10, 50, 1000], seeds: [0],
});
const report = await chisel.buildReport(config, { reportsDir, runsDir });
console.log(`${report.dir}: ${JSON.stringify(report.headline)}`);
