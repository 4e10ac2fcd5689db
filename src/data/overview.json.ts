// Data loader for /data/overview.json: the default schedule and spiral, computed by loaders/overview.ts.
import { overview } from "../../loaders/overview.js";

console.log(JSON.stringify(overview()));
