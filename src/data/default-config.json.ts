// The default run's training config, data/configs/default.json as committed: the Sampling page's report
// config puts it in its train section, so that `chisel report` reuses the committed run.
import process from "node:process";
import { DEFAULT_CONFIG_PATH } from "../io/defaultRun.js";
import { readBoundedText } from "../io/files.js";

process.stdout.write(await readBoundedText(DEFAULT_CONFIG_PATH, "config"));
