/**
 * The colour of a point by where its sample ends along the spiral: 0 at the centre, 1 at the tip
 * (src/core/curvePosition.ts). Turbo, trimmed at both ends so that neither the darkest blue nor the
 * darkest red disappears on a light or a dark page.
 */

import * as Plot from "@observablehq/plot";

export const END_COLOR = { type: "linear", domain: [0, 1], scheme: "turbo", range: [0.08, 0.92] } as const;

export const END_LABEL = "where the sample ends along the spiral: centre → tip";

/** The colour bar of END_COLOR (a browser's: Plot draws the ramp on a canvas). */
export function endLegend(options: { width?: number } = {}): HTMLElement | SVGSVGElement {
  const { width = 320 } = options;
  return Plot.legend({
    color: { ...END_COLOR, domain: [...END_COLOR.domain], range: [...END_COLOR.range] },
    label: END_LABEL,
    width,
    ticks: [0, 0.5, 1],
    tickFormat: (d: number) => (d === 0 ? "centre" : d === 1 ? "tip" : "½"),
  }) as HTMLElement | SVGSVGElement;
}
