// The default DDPM model's score on a grid of arrows along one sampling run, as a float32 bundle.
import process from "node:process";
import { fieldsView } from "./views/fields.js";

process.stdout.write(await fieldsView("ddpm"));
