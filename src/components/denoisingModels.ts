/**
 * The models the Denoising page can show: the site's default model (its weights and run summary come
 * with the site), or the DDPM model trained on the Train page in this tab, with its own schedule,
 * parameterization, network widths and training set. A flow-matching model predicts a velocity, not the
 * noise this page is about, so it is not offered here; the Fields page shows its field.
 */
import { MLP_OUTPUT_DIM } from "../core/mlp.js";
import type { Parameterization } from "../core/parameterization.js";
import type { ScheduleConfig } from "../core/schedule.js";
import { denoisingState } from "./pageUrlFields.js";
import { type SessionModel, sessionTrainingSet } from "./sessionModel.js";
import { choiceField, type FieldSpec, readUrlState, type UrlState } from "./urlState.js";

export const DENOISING_MODELS = ["default", "session"] as const;
export type DenoisingModelChoice = (typeof DENOISING_MODELS)[number];

/** What the page's workers and panels need of a model. */
export interface DenoisingModel {
  choice: DenoisingModelChoice;
  /** The training set, interleaved 2D points: the data drawn and the exact oracle's points. */
  data: Float64Array;
  schedule: ScheduleConfig;
  weights: Float32Array;
  parameterization: Parameterization;
  dims: number[];
}

/** Why this tab's model is not offered here, or undefined when it is (or the tab has none). */
export function sessionRefusal(session: SessionModel | null): string | undefined {
  return session?.config.model.objective === "flow-matching"
    ? "Your model from the Train page is a flow-matching model: it predicts a velocity, not the noise this page is about, so the Fields page shows it instead."
    : undefined;
}

/** The session model as the page runs it; null when the tab has none or it is a flow model. */
export function sessionDenoisingModel(session: SessionModel | null): DenoisingModel | null {
  if (session === null || sessionRefusal(session) !== undefined) return null;
  const { model, schedule } = session.config;
  return {
    choice: "session",
    data: sessionTrainingSet(session),
    schedule,
    weights: session.params,
    parameterization: model.parameterization,
    // training/config.ts's modelDims, written out: that module brings zod.
    dims: [2 + model.embeddingDim, ...model.hidden, MLP_OUTPUT_DIM],
  };
}

/** The page's "model" parameter: "session" only when the tab has a model this page can show. */
export function denoisingModelField(session: DenoisingModel | null): FieldSpec<DenoisingModelChoice> {
  const field = choiceField("model", DENOISING_MODELS, "default");
  return {
    ...field,
    parse: (text) =>
      text === "session" && session === null
        ? { refused: "is a DDPM model trained on the Train page in this browser tab, and this tab has none" }
        : field.parse(text),
  };
}

/** The page's settings for a model: its own T and number of points bound t and the worked point. */
export function denoisingModelState(model: DenoisingModel, field: FieldSpec<DenoisingModelChoice>) {
  return [field, ...denoisingState(model.schedule.T, model.data.length / 2)];
}

/**
 * The page's settings from a query string: the model first, since the ranges of t and the point are
 * the chosen model's; then everything with that model's ranges.
 */
export function readDenoisingState(search: string, models: { default: DenoisingModel; session: DenoisingModel | null }): UrlState {
  const field = denoisingModelField(models.session);
  const asked = new URLSearchParams(search).get("model");
  const parsed = asked === null ? undefined : field.parse(asked);
  const model = parsed && "value" in parsed && parsed.value === "session" && models.session ? models.session : models.default;
  return readUrlState(denoisingModelState(model, field), search);
}
