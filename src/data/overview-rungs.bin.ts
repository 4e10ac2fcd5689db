// The overview's rungs as the page first opens (OVERVIEW_FIRST_VIEW), as float32: x_t of every rung in
// turn, 2 × OVERVIEW_POINTS values each.
import process from "node:process";
import { OVERVIEW_FIRST_VIEW, overviewChain, overviewData, overviewSchedule, RUNG_COUNT } from "../core/overviewChain.js";
import { rungTimes } from "../core/rungs.js";

const { dataset, spacing } = OVERVIEW_FIRST_VIEW;
const schedule = overviewSchedule();
const times = rungTimes(schedule, RUNG_COUNT, spacing);
const chain = overviewChain(schedule, overviewData(dataset), times);
const values = new Float32Array(times.flatMap((t) => Array.from(chain.get(t)!)));
process.stdout.write(new Uint8Array(values.buffer));
