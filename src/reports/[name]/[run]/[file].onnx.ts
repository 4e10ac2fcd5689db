// A run's ONNX model, from a published report's run folder.
import process from "node:process";
import { loaderParams, reportFile } from "../../../data/views/reports.js";

process.stdout.write(await reportFile(loaderParams(process.argv.slice(2), ["name", "run", "file"]), "onnx"));
