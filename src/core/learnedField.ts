/**
 * The field a trained model has learned at one time of sampling, at any points of the plane:
 *   - flow matching: the velocity v̂(x, t) itself, the network's output (it points from the data towards
 *     the noise, d x_t / dt = ε − x₀; sampling runs it backwards, so the points move along −v̂);
 *   - DDPM: the score ∇ log p_t(x) ≈ −ε̂(x, t) / √(1 − ᾱ_t), since x_t = √ᾱ x₀ + √(1 − ᾱ) ε gives
 *     ∇ log p_t(x_t) = −E[ε | x_t] / √(1 − ᾱ_t) (Vincent 2011; Song et al. 2021). It points towards where
 *     the noisy data is denser. Sampling does not move the points along it: DDIM and the probability-flow
 *     ODE, dx/dt = −½β(t)·(x + score), step along a mix of x and the score (samplerStep.ts).
 * Time is what SampleResult.timesteps holds: a schedule index for DDPM (paper t = index + 1), a path time
 * t ∈ [0, 1] for flow matching.
 */

import type { Denoiser } from "./denoiser.js";
import { flowNetworkTime } from "./flow/time.js";
import { toPrediction } from "./parameterization.js";
import { alphaBarAt, type Schedule } from "./schedule.js";

/** A model as the field needs it: its denoiser, and for DDPM the schedule it was trained on. */
export interface FieldModel {
  denoiser: Denoiser;
  /** Required for DDPM; a flow-matching model has none. */
  schedule?: Schedule;
}

/** Where a sampling time sits on the path x_t = signal · x₀ + noise · ε, and how a reader names it. */
export interface FieldTime {
  /** As SampleResult.timesteps: a DDPM schedule index, or a flow path time. */
  time: number;
  /** The time a reader sees: paper t = index + 1 of T (DDPM), or t ∈ [0, 1] (flow matching). */
  t: number;
  /** Weight of the data in x_t: √ᾱ_t (DDPM) or 1 − t (flow matching). */
  signal: number;
  /** Standard deviation of the noise in x_t: √(1 − ᾱ_t) (DDPM) or t (flow matching). */
  noise: number;
}

function isFlow(model: FieldModel): boolean {
  return model.denoiser.objective === "flow-matching";
}

function ddpmSchedule(model: FieldModel): Schedule {
  if (model.schedule === undefined) throw new RangeError("schedule is required for the field of a ddpm model");
  return model.schedule;
}

/** The reader's time and the path's weights at a sampling time. */
export function fieldTime(model: FieldModel, time: number): FieldTime {
  if (isFlow(model)) {
    flowNetworkTime(time); // validates t ∈ [0, 1]
    return { time, t: time, signal: 1 - time, noise: time };
  }
  const schedule = ddpmSchedule(model);
  if (!Number.isInteger(time) || time < 0 || time >= schedule.T) {
    throw new RangeError(`time must be a schedule index from 0 to ${schedule.T - 1}, got ${time}`);
  }
  const alphaBar = alphaBarAt(schedule, time);
  return { time, t: time + 1, signal: Math.sqrt(alphaBar), noise: Math.sqrt(1 - alphaBar) };
}

/** The learned field at interleaved `points` at sampling time `time`: v̂ (flow matching) or −ε̂/√(1 − ᾱ) (DDPM). */
export async function learnedField(model: FieldModel, points: Float64Array, time: number): Promise<Float64Array> {
  const { denoiser } = model;
  const { noise } = fieldTime(model, time);
  if (isFlow(model)) return Float64Array.from(await denoiser.predict(points, flowNetworkTime(time)));
  const alphaBar = alphaBarAt(ddpmSchedule(model), time);
  const output = await denoiser.predict(points, time);
  const { eps } = toPrediction(denoiser.parameterization, output, points, alphaBar);
  return eps.map((e) => -e / noise);
}
