// Every published report (data/reports/*/report.json) with its headline metrics, for /reports/.
import { reportIndex } from "./views/reports.js";

console.log(JSON.stringify(await reportIndex()));
