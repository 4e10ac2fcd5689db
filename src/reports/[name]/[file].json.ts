// A published report's report.json or config.json.
import process from "node:process";
import { loaderParams, reportFile } from "../../data/views/reports.js";

process.stdout.write(await reportFile(loaderParams(process.argv.slice(2), ["name", "file"]), "json"));
