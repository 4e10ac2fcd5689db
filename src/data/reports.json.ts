// Every published report (data/reports/*/report.json) with its headline metrics, for /reports/.
import { reportIndex } from "../../loaders/reportSite.js";

console.log(JSON.stringify(await reportIndex()));
