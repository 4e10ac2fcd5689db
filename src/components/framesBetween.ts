/**
 * Positions between a run's saved frames, for an animation that moves at the screen's rate: a sampling
 * run keeps every few steps, and between two kept frames each point is drawn on the straight line from
 * one to the next. `frames` holds the frames one after another, n interleaved 2D points each; `position`
 * is a fractional frame index.
 */

import { smoothPath } from "./trajectoryFrame.js";

function frameCount(frames: ArrayLike<number>, n: number, position: number): number {
  const count = frames.length / (2 * n);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`frames must hold whole frames of ${n} points, got ${frames.length} numbers`);
  if (!(position >= 0 && position <= count - 1)) throw new RangeError(`position must be in [0, ${count - 1}], got ${position}`);
  return count;
}

/** All n points at `position`. */
export function pointsAt(frames: ArrayLike<number>, n: number, position: number): Float64Array {
  const count = frameCount(frames, n, position);
  const from = Math.min(Math.floor(position), count - 1);
  const to = Math.min(from + 1, count - 1);
  const share = position - from;
  const out = new Float64Array(2 * n);
  const a = 2 * n * from;
  const b = 2 * n * to;
  for (let j = 0; j < 2 * n; j++) out[j] = frames[a + j] + share * (frames[b + j] - frames[a + j]);
  return out;
}

/**
 * The path of point i from the first frame to `position`: its kept positions, averaged over `smoothing`
 * frames either side (0: as kept; DDPM's fresh noise makes raw paths zigzag), then the point where it is.
 */
export function pathTo(frames: ArrayLike<number>, n: number, i: number, position: number, smoothing = 0): Float64Array {
  frameCount(frames, n, position);
  const whole = Math.floor(position);
  const kept = new Float64Array(2 * (whole + 1));
  for (let f = 0; f <= whole; f++) {
    kept[2 * f] = frames[2 * n * f + 2 * i];
    kept[2 * f + 1] = frames[2 * n * f + 2 * i + 1];
  }
  const path = smoothing > 0 ? smoothPath(kept, smoothing) : kept;
  if (position === whole) return path;
  const share = position - whole;
  const next = 2 * n * (whole + 1) + 2 * i;
  const x = kept[2 * whole] + share * (frames[next] - kept[2 * whole]);
  const y = kept[2 * whole + 1] + share * (frames[next + 1] - kept[2 * whole + 1]);
  return Float64Array.from([...path, x, y]);
}
