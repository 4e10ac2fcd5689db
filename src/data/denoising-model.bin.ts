// The default run's last weights, raw little-endian float32 (37,762 values), for the page's in-browser network.
import process from "node:process";
import { denoisingWeights } from "./views/denoising.js";

process.stdout.write(await denoisingWeights());
