/**
 * A stand-in for a canvas 2D context (the part dotCanvas.ts draws lines and rings with) that records
 * each call as text, numbers rounded to 3 decimals, so drawing code can be tested without a browser.
 */
import type { DotContext } from "../../src/components/dotCanvas.js";

export function contextRecorder(): DotContext & { calls: string[] } {
  const calls: string[] = [];
  const record = (name: string) => (...args: number[]) => void calls.push(`${name} ${args.map((a) => +a.toFixed(3)).join(", ")}`.trim());
  const context = {
    calls,
    strokeStyle: "" as unknown,
    globalAlpha: 1,
    lineWidth: 1,
    beginPath: record("beginPath"),
    moveTo: record("moveTo"),
    lineTo: record("lineTo"),
    arc: record("arc"),
    stroke: () => void calls.push(`stroke ${context.strokeStyle} at ${context.globalAlpha} width ${context.lineWidth}`),
  };
  return context as unknown as DotContext & { calls: string[] };
}
