/**
 * Samples of every training checkpoint (columns) at a few sampling step counts (rows), all from one x_T,
 * coloured by where each sample ends along the spiral, over the faint training data, with each cell's
 * sliced Wasserstein distance to the data. Training fixes the shape; sampling steps sharpen it.
 */

import * as Plot from "@observablehq/plot";
import { END_COLOR } from "./endColor.js";
import { formatSig } from "./format.js";

export interface GridCell {
  checkpoint: number;
  steps: number;
  samples: ArrayLike<number>;
  end: ArrayLike<number>;
  swd: number;
}

export interface CheckpointGridOptions {
  /** Training data, drawn faintly in every cell (pass a few hundred points). */
  background?: ArrayLike<number>;
  width?: number;
  /** Half-width of every cell's square frame. */
  extent?: number;
  document?: Document;
}

export function checkpointGrid(cells: GridCell[], options: CheckpointGridOptions = {}): SVGSVGElement | HTMLElement {
  const { background, width = 960, extent = 2.2, document = globalThis.document } = options;
  const checkpoints = [...new Set(cells.map((cell) => cell.checkpoint))].sort((a, b) => a - b);
  const steps = [...new Set(cells.map((cell) => cell.steps))].sort((a, b) => a - b);
  const points = cells.flatMap((cell) =>
    Array.from({ length: cell.samples.length / 2 }, (_, i) => ({
      x: cell.samples[2 * i],
      y: cell.samples[2 * i + 1],
      end: cell.end[i],
      checkpoint: cell.checkpoint,
      steps: cell.steps,
    }))
  );
  const data = background
    ? Array.from({ length: background.length / 2 }, (_, i) => ({ x: background[2 * i], y: background[2 * i + 1] }))
    : [];
  const marginLeft = 48;
  const marginTop = 36;
  const cellSize = Math.max(60, Math.floor((width - marginLeft - 8) / checkpoints.length));
  const domain = [-extent, extent];
  return Plot.plot({
    document,
    width: marginLeft + 8 + cellSize * checkpoints.length,
    height: marginTop + 8 + cellSize * steps.length,
    marginLeft,
    marginTop,
    marginRight: 8,
    marginBottom: 8,
    x: { domain, axis: null },
    y: { domain, axis: null },
    fx: { domain: checkpoints, label: "training step →", axis: "top", tickFormat: (d: number) => d.toLocaleString("en-US"), padding: 0.06 },
    fy: { domain: steps, label: "sampling steps ↓", tickFormat: (d: number) => String(d), padding: 0.06 },
    color: { ...END_COLOR, domain: [...END_COLOR.domain], range: [...END_COLOR.range] },
    clip: true,
    marks: [
      Plot.frame({ strokeOpacity: 0.3 }),
      Plot.dot(data, { x: "x", y: "y", r: 0.6, fill: "currentColor", fillOpacity: 0.12 }),
      Plot.dot(points, { x: "x", y: "y", fx: "checkpoint", fy: "steps", r: 1, fill: "end", fillOpacity: 0.85 }),
      Plot.text(cells, {
        fx: "checkpoint",
        fy: "steps",
        frameAnchor: "bottom-right",
        dx: -3,
        dy: -2,
        fontSize: 9,
        text: (cell: GridCell) => `W₁ ${formatSig(cell.swd, 2)}`,
        fill: "currentColor",
      }),
    ],
  });
}
