/**
 * The URL parameters of the overview, noise-schedule, denoising and trajectories pages: one field spec per control,
 * with the control's own range and default (see urlState.ts). The images page's are in imagesState.ts
 * (the overview need not load the image code), the Train page's in trainControls.ts.
 */
import { SETTINGS } from "../core/settings.js";
import { OVERVIEW_FIRST_VIEW } from "../core/overviewChain.js";
import { RUNG_SPACINGS } from "../core/rungs.js";
import { choiceField, integerField, listField, numberField, readUrlState, settingField, type UrlState } from "./urlState.js";

const dataset = settingField(SETTINGS.datasetName, { key: "dataset" });

export const DIRECTIONS = ["forward", "reverse"] as const;

/** The overview: the staircase's dataset, rung spacing and direction, and the step slider's t. */
export const OVERVIEW_STATE = [
  dataset,
  choiceField("rungs", RUNG_SPACINGS, OVERVIEW_FIRST_VIEW.spacing),
  choiceField("direction", DIRECTIONS, "forward"),
  integerField("t", { min: 0, max: SETTINGS.T.default, default: 0 }),
];

/** The comparison slots of the schedules page: the two fixed ones and the reader's own. */
export const SCHEDULE_SLOTS = ["ddpm", "cosine", "yours"] as const;

/** The schedules page: the reader's schedule (β to the 3 digits its sliders keep), the slots drawn, the paths. */
export const SCHEDULES_STATE = [
  settingField(SETTINGS.scheduleKind, { key: "kind", default: "quadratic" }),
  settingField(SETTINGS.betaStart, { bounds: SETTINGS.betaStart.slider, digits: 3 }),
  settingField(SETTINGS.betaEnd, { bounds: SETTINGS.betaEnd.slider, digits: 3 }),
  settingField(SETTINGS.T),
  dataset,
  listField("draw", SCHEDULE_SLOTS, SCHEDULE_SLOTS),
  integerField("paths", { min: 1, max: 20, default: 8 }),
  settingField(SETTINGS.samplingSeed),
];

/** The denoising page, for a model with T steps trained on N points: t, the blend q, and the worked step. */
export function denoisingState(T: number, N: number) {
  return [
    integerField("t", { min: 1, max: T, default: Math.min(100, T) }),
    numberField("q", { min: 0, max: 1, default: 1, digits: 3 }),
    integerField("point", { min: 0, max: N - 1, default: 0 }),
    choiceField("from", ["network", "blend"] as const, "network"),
    settingField(SETTINGS.variance, { key: "noise" }),
    settingField(SETTINGS.samplingSeed, { key: "zSeed" }),
  ];
}

/** The trajectories page's runs: an id and how many frames each holds. */
export interface TrajectoryRun {
  id: string;
  frames: number;
}

export const TRAJECTORY_LAYERS = ["x0", "trails"] as const;

/** The trajectories page's run of the model trained on the Train page, among its runs when the tab has one. */
export const SESSION_RUN = "session";

/** The trajectories page: the run, the layers shown and the frame on screen (0 is x_T). */
export function trajectoriesState(runs: readonly TrajectoryRun[]) {
  const run = choiceField("run", runs.map((run) => run.id), runs[0].id);
  return [
    {
      ...run,
      parse: (text: string) =>
        text === SESSION_RUN && !runs.some((run) => run.id === SESSION_RUN)
          ? { refused: "is the model trained on the Train page in this browser tab, and this tab has none" }
          : run.parse(text),
    },
    listField("show", TRAJECTORY_LAYERS, ["x0"]),
    integerField("frame", { min: 0, max: Math.max(...runs.map((run) => run.frames)) - 1, default: 0 }),
  ];
}

export type TrajectoriesValues = { run: string; show: (typeof TRAJECTORY_LAYERS)[number][]; frame: number };

/** The trajectories page's settings from a query string: a frame past the run's last is its last, with a note. */
export function readTrajectoriesState(runs: readonly TrajectoryRun[], search: string): UrlState<TrajectoriesValues> {
  const state = readUrlState<TrajectoriesValues>(trajectoriesState(runs), search);
  const last = runs.find((run) => run.id === state.values.run)!.frames - 1;
  if (state.values.frame > last) {
    state.problems.push(`URL parameter frame=${state.values.frame}: past the last frame of run ${state.values.run}, ${last}; showing frame ${last}.`);
    state.values.frame = last;
  }
  return state;
}
