// Sample quality of the default model: every sampler × step count × seed, against the floor.
import { samplingQuality } from "../../loaders/samplingViews.js";

console.log(JSON.stringify(await samplingQuality()));
