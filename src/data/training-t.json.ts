// The training-T page's samples and metrics; trains the T = 10 and T = 50 models on first use (data/runs/).
import { trainingTData } from "./views/trainingT.js";

console.log(JSON.stringify(await trainingTData((line) => console.error(line))));
