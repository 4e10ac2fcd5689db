import type { ProgressEvent } from "../../src/core/training/train.js";

const WIDTH = 24;

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * A training progress bar on a terminal (redrawn in place), or a line per tenth of the run when the
 * stream is a file or a pipe, so logs stay readable.
 */
export function progressBar(stream: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean }) {
  const encoder = new TextEncoder();
  const terminal = stream.isTerminal();
  let lastTenth = -1;
  let open = false;
  const write = (text: string) => stream.writeSync(encoder.encode(text));
  return {
    update(event: ProgressEvent, engine: string) {
      const fraction = event.step / event.steps;
      const filled = Math.round(fraction * WIDTH);
      const line = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${event.step}/${event.steps}` +
        `  loss ${event.loss.toFixed(4)}  ${event.stepsPerSecond.toFixed(0)} steps/s  ETA ${clock(event.etaSeconds)}  (${engine})`;
      if (terminal) {
        write(`\r\x1b[2K${line}`);
        open = true;
      } else if (Math.floor(fraction * 10) > lastTenth) {
        lastTenth = Math.floor(fraction * 10);
        write(`${line}\n`);
      }
    },
    done() {
      if (open) write("\n");
      open = false;
    },
  };
}
