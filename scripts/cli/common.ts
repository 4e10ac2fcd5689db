/** Flags and helpers that several chisel commands share. */
import { makeSchedule, type Schedule, type ScheduleKind } from "../../src/core/schedule.js";
import { SETTINGS } from "../../src/core/settings.js";
import { settingFlag, UsageError } from "./flags.js";

export const scheduleFlags = {
  schedule: settingFlag(SETTINGS.scheduleKind),
  "beta-start": settingFlag(SETTINGS.betaStart),
  "beta-end": settingFlag(SETTINGS.betaEnd, { help: "β at t = T, greater than --beta-start (ignored by cosine)" }),
  T: settingFlag(SETTINGS.T),
};

export const outFlag = {
  out: { type: "string", help: "write the JSON here instead of stdout" },
} as const;

/** Builds the schedule the flags describe; cross-flag problems name the flags. */
export function scheduleFromFlags(flags: {
  schedule?: string;
  "beta-start"?: number;
  "beta-end"?: number;
  T?: number;
}): Schedule {
  const kind = flags.schedule as ScheduleKind;
  const betaStart = flags["beta-start"]!;
  const betaEnd = flags["beta-end"]!;
  if (kind !== "cosine" && flags.T! > 1 && !(betaEnd > betaStart)) {
    throw new UsageError(`--beta-end must be greater than --beta-start (${betaStart}) and below 1, got ${betaEnd}`);
  }
  return makeSchedule({ kind, T: flags.T!, betaStart, betaEnd });
}

/** Interleaved points as [[x, y], …] for JSON output. */
export function pairs(points: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push([points[i], points[i + 1]]);
  return out;
}
