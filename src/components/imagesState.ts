/**
 * The URL parameters of the images page (see urlState.ts): the picture, its schedule, the direction,
 * the noise seed and the frame on screen.
 */
import { MAX_BETA_SCALE, MAX_STEPS, MIN_BETA_SCALE, MIN_STEPS } from "../core/imageNoise.js";
import { SYNTHETIC_IMAGES, type SyntheticImageName } from "../core/syntheticImages.js";
import { SETTINGS } from "../core/settings.js";
import { choiceField, type FieldSpec, integerField, numberField, readUrlState, settingField, type UrlState } from "./urlState.js";

const DIRECTIONS = ["forward", "reverse"] as const;

/** A built-in image; the reader's own picture never leaves the browser, so no link can carry it. */
const imageField: FieldSpec<SyntheticImageName | "yours"> = {
  ...choiceField<SyntheticImageName | "yours">("image", SYNTHETIC_IMAGES, "mondrian"),
  parse: (text) =>
    (SYNTHETIC_IMAGES as readonly string[]).includes(text)
      ? { value: text as SyntheticImageName }
      : {
        refused: text === "yours"
          ? "is your own picture, which stays in the browser it was opened in: a link cannot carry it"
          : `must be one of ${SYNTHETIC_IMAGES.join(", ")}`,
      },
};

/** The images page: the picture, its schedule (steps, β scale), the direction, the noise seed and the frame shown. */
export const IMAGES_STATE = [
  imageField,
  integerField("steps", { min: MIN_STEPS, max: MAX_STEPS, default: 30 }),
  numberField("betaScale", { min: MIN_BETA_SCALE, max: MAX_BETA_SCALE, default: 1, step: 0.05 }),
  choiceField("direction", DIRECTIONS, "forward"),
  settingField(SETTINGS.samplingSeed),
  // The scrubber's position, 0 … steps (readImagesState cuts it to the link's steps).
  integerField("frame", { min: 0, max: MAX_STEPS, default: 0 }),
];

export type ImagesValues = {
  image: SyntheticImageName;
  steps: number;
  betaScale: number;
  direction: (typeof DIRECTIONS)[number];
  seed: number;
  frame: number;
};

/** The images page's settings from a query string: a frame past the last step is the last step, with a note. */
export function readImagesState(search: string): UrlState<ImagesValues> {
  const state = readUrlState<ImagesValues>(IMAGES_STATE, search);
  const { frame, steps } = state.values;
  if (frame > steps) {
    state.problems.push(`URL parameter frame=${frame}: past the last of the ${steps} steps; showing frame ${steps}.`);
    state.values.frame = steps;
  }
  return state;
}
