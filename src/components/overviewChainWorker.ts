/**
 * The overview's worker: runs the whole forward chain of the dataset it is sent (core/overviewChain.ts) off the
 * page's main thread, about half a second of work, and answers with every x_t, packed and transferred.
 */
import type { DatasetName } from "../core/datasets.js";
import { overviewChain, overviewData, overviewSchedule, packChain } from "../core/overviewChain.js";

self.onmessage = ({ data: dataset }: MessageEvent<DatasetName>) => {
  const schedule = overviewSchedule();
  const chain = overviewChain(schedule, overviewData(dataset), Array.from({ length: schedule.T + 1 }, (_, t) => t));
  const packed = packChain(chain, schedule.T);
  (self as unknown as Worker).postMessage(packed, [packed.values.buffer]);
};
