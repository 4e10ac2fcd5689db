// Sample quality of the default model: every sampler × step count × seed, against the floor.
import { samplingQuality } from "./views/sampling.js";

console.log(JSON.stringify(await samplingQuality()));
