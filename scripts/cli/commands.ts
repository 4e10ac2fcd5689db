/** Every chisel command, in the order `chisel --help` lists them. */
import type { Command } from "./command.js";
import { datasetCommand } from "./dataset.js";
import { evaluateCommand } from "./evaluate.js";
import { exportOnnxCommand } from "./exportOnnx.js";
import { qualityCommand } from "./quality.js";
import { reportCommand } from "./report.js";
import { sampleCommand } from "./sample.js";
import { scheduleCommand } from "./schedule.js";
import { trainCommand } from "./train.js";

export const COMMANDS = [
  scheduleCommand,
  datasetCommand,
  trainCommand,
  sampleCommand,
  evaluateCommand,
  qualityCommand,
  exportOnnxCommand,
  reportCommand,
] as unknown as Command[];
