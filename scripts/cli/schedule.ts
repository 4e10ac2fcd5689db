import { makeDataset } from "../../src/core/datasets.js";
import { terminalCheck } from "../../src/core/schedule.js";
import { defineCommand } from "./command.js";
import { scheduleFlags, scheduleFromFlags } from "./common.js";
import { type DatasetName, SETTINGS } from "../../src/core/settings.js";
import { settingFlag } from "./flags.js";

export const scheduleCommand = defineCommand({
  name: "schedule",
  summary: "Prints a noise schedule's β and ᾱ per step, its SNR, and the terminal check of x_T against N(0, I).",
  flags: {
    ...scheduleFlags,
    dataset: settingFlag(SETTINGS.datasetName, {
      help: "dataset whose KL(q(x_T | x_0) ‖ N(0, I)) the terminal check reports (default size and seed)",
    }),
  },
  run(flags) {
    const schedule = scheduleFromFlags(flags);
    const data = makeDataset(flags.dataset as DatasetName);
    return {
      kind: schedule.kind,
      T: schedule.T,
      betaStart: schedule.betaStart,
      betaEnd: schedule.betaEnd,
      betas: Array.from(schedule.betas),
      alphaBars: Array.from(schedule.alphaBars),
      snr: Array.from(schedule.snr),
      terminal: { dataset: flags.dataset, ...terminalCheck(schedule, data) },
    };
  },
});
