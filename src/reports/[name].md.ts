// The page of a published report, data/reports/NAME/ (NAME from observablehq.config.ts's dynamicPaths).
import process from "node:process";
import { loaderParams, reportPage } from "../data/views/reports.js";

const { name } = loaderParams(process.argv.slice(2), ["name"]);
process.stdout.write(await reportPage(name));
