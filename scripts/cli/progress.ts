/**
 * Progress on stderr, never stdout (which holds the JSON): a bar redrawn in place on a terminal, or a
 * line per tenth of the job (and at least one a minute) when stderr is a file or a pipe, so logs stay
 * readable. Training reports its own rate and ETA; other long jobs get theirs from the clock.
 */
import type { ProgressEvent } from "../../src/core/training/train.js";
import { describeDuration, type Estimate } from "../../src/core/cost.js";

const WIDTH = 24;
/** A job estimated at this many seconds or more announces its estimate and shows a bar. */
export const LONG_JOB_SECONDS = 5;
/** Redraws of a terminal bar at most this often, so a fast loop is not slowed by drawing. */
const REDRAW_MS = 100;
/** A log (file or pipe) gets a line at least this often, even when a tenth of the job takes longer. */
const LOG_EVERY_MS = 60_000;

export interface ProgressStream {
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const pad = (value: number) => String(value).padStart(2, "0");
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor(s / 60) % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}

/** Draws lines of the form "[####----] text" at a fraction of the job, in place or as log lines. */
function barWriter(stream: ProgressStream) {
  const encoder = new TextEncoder();
  const terminal = stream.isTerminal();
  let lastTenth = -1;
  let lastLog = 0;
  let open = false;
  const write = (text: string) => stream.writeSync(encoder.encode(text));
  return {
    draw(fraction: number, text: string) {
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * WIDTH);
      const line = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${text}`;
      if (terminal) {
        write(`\r\x1b[2K${line}`);
        open = true;
        return;
      }
      const tenth = Math.floor(fraction * 10);
      const now = performance.now();
      if (tenth > lastTenth || now - lastLog >= LOG_EVERY_MS) {
        lastTenth = tenth;
        lastLog = now;
        write(`${line}\n`);
      }
    },
    /** Writes a line of its own, below the bar (which the next draw redraws). */
    note(text: string) {
      write(open ? `\r\x1b[2K${text}\n` : `${text}\n`);
      open = false;
    },
    done() {
      if (open) write("\n");
      open = false;
    },
  };
}

/** A training progress bar: the step, the loss, the rate and ETA training measures, and the engine. */
export function progressBar(stream: ProgressStream) {
  const bar = barWriter(stream);
  return {
    update(event: ProgressEvent, engine: string) {
      bar.draw(
        event.step / event.steps,
        `${event.step}/${event.steps}  loss ${event.loss.toFixed(4)}  ${event.stepsPerSecond.toFixed(0)} steps/s` +
          `  ETA ${clock(event.etaSeconds)}  (${engine})`,
      );
    },
    done: bar.done,
  };
}

export interface JobProgress {
  /** `done` of `total` units of work; with no unit the bar shows a percentage. */
  update(done: number, total: number): void;
  /** A line of the job's own (a result as it comes), kept clear of the bar. */
  note(text: string): void;
  done(): void;
}

/** A progress bar for any long job: elapsed time and an ETA from the rate so far. */
export function jobProgress(stream: ProgressStream, unit?: string): JobProgress {
  const bar = barWriter(stream);
  const terminal = stream.isTerminal();
  const start = performance.now();
  let lastDraw = -Infinity;
  return {
    update(done, total) {
      const now = performance.now();
      // Always draw the end; on a terminal skip redraws closer together than REDRAW_MS.
      if (terminal && done < total && now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      const elapsed = (now - start) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : Infinity;
      const amount = unit === undefined ? `${Math.floor((100 * done) / total)}%` : `${done}/${total} ${unit}`;
      bar.draw(done / total, `${amount}  ${clock(elapsed)} elapsed  ETA ${clock(eta)}`);
    },
    note: bar.note,
    done: bar.done,
  };
}

/**
 * Starts a job of `total` units on stderr: a job estimated at LONG_JOB_SECONDS or more gets one line with
 * its estimate and a progress bar at 0 (returned); a shorter one gets neither, and its stderr stays empty.
 */
export function startJob(
  estimate: Estimate,
  total: number,
  unit?: string,
  stream: ProgressStream = Deno.stderr,
): JobProgress | undefined {
  if (estimate.seconds < LONG_JOB_SECONDS) return undefined;
  stream.writeSync(new TextEncoder().encode(`chisel: about ${describeDuration(estimate.seconds)} of work (${estimate.work}); progress below\n`));
  const progress = jobProgress(stream, unit);
  progress.update(0, total);
  return progress;
}
