// Every published report (data/reports/*/report.json) with its headline metrics, and the ones left out
// (unreadable, or mid-publish) with why, for /reports/.
import { reportIndex } from "./views/reports.js";

console.log(JSON.stringify(await reportIndex()));
