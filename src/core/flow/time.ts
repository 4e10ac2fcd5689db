/**
 * Flow matching's time, and how the network sees it: the one place that states the convention.
 *
 * The path runs over t ∈ [0, 1] (t = 0 the data, t = 1 the noise). The network takes its time through the
 * sinusoidal embedding of embedding.ts, whose frequencies are set for DDPM's schedule indices 0 … 999, so
 * a flow network gets the same scale: its time input is τ = K·t with K = FLOW_TIME_SCALE = 1000.
 *   - Training draws t on the grid t = k / K, k = 0 … K, and hands the engines the integer index k = τ
 *     (engines look embedding rows up by integer index, TrainBatch.t).
 *   - Inference feeds τ = K·t for any t ∈ [0, 1], integer or not: every inference engine computes the
 *     embedding of a real τ (sin and cos are smooth between the grid points the network was trained on).
 * A flow model's Denoiser therefore takes τ in predict(x, τ), as a DDPM model's takes a schedule index:
 * predict's argument is always the network's own time input.
 */

export const FLOW_TIME_SCALE = 1000;

/** Training time indices k = 0 … K: K + 1 of them, both ends included. */
export const FLOW_TIME_INDICES = FLOW_TIME_SCALE + 1;

/** τ = K·t, the network's time input at path time t ∈ [0, 1]. */
export function flowNetworkTime(t: number): number {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`t must be a number in [0, 1], got ${t}`);
  return FLOW_TIME_SCALE * t;
}

/**
 * Refuses a network time outside [0, K]: a flow model is asked at τ = K·t with t ∈ [0, 1], and its
 * embedding never saw a τ beyond those ends (the oracle velocity refuses them too, and τ = 0 besides).
 */
export function checkFlowNetworkTime(tau: number): void {
  if (!(tau >= 0 && tau <= FLOW_TIME_SCALE)) {
    throw new RangeError(`t must be a number in [0, ${FLOW_TIME_SCALE}] (a flow model's time τ = ${FLOW_TIME_SCALE}·t, t in [0, 1]), got ${tau}`);
  }
}

/** The N + 1 path times a flow sampler visits with N steps: t_k = 1 − k/N, from the noise (1) to the data (0). */
export function flowTimeGrid(steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  // (N − k) / N rather than 1 − k/N: every t_k is then the double nearest the exact fraction, and t_N = 0.
  return Array.from({ length: steps + 1 }, (_, k) => (steps - k) / steps);
}
