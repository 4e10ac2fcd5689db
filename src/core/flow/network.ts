/**
 * A trained flow-matching network behind any inference engine, as a Denoiser: the engine outputs the
 * network's raw values, which for a flow model are its velocity, and takes any time; the model takes
 * only its own times τ ∈ [0, 1000] (time.ts). The one place an engine's denoiser becomes a flow model's.
 */

import type { Denoiser } from "../denoiser.js";
import { checkFlowNetworkTime } from "./time.js";

/**
 * The engine's denoiser, marked flow-matching and refusing τ outside [0, 1000] in one line. It keeps
 * the engine's other members (dispose, its name, threads): the engine object itself is returned, changed.
 */
export function asFlowNetwork<D extends Denoiser>(engine: D): D & { readonly objective: "flow-matching" } {
  const predict = engine.predict.bind(engine);
  return Object.assign(engine, {
    objective: "flow-matching" as const,
    predict(x: Float64Array, tau: number) {
      checkFlowNetworkTime(tau);
      return predict(x, tau);
    },
  });
}
