// A run's last checkpoint (raw little-endian float32 weights), from a published report's run folder.
import process from "node:process";
import { loaderParams, reportFile } from "../../../data/views/reports.js";

process.stdout.write(await reportFile(loaderParams(process.argv.slice(2), ["name", "run", "file"]), "f32"));
