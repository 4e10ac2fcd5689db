// The denoising page's numbers: the default run, its loss per timestep, and the trained model's against the oracle's.
import { denoisingSummary } from "./views/denoising.js";

console.log(JSON.stringify(await denoisingSummary()));
