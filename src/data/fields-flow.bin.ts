// The flow-matching twin of the default model: its velocity on a grid of arrows along one sampling run, as a float32 bundle.
import process from "node:process";
import { fieldsView } from "./views/fields.js";

process.stdout.write(await fieldsView("flow-matching"));
