/**
 * A training run as the Train page follows it, without the page: its phases, the events that move it
 * (the reader's commands and the worker's messages, see trainProtocol.ts), what each event asks of the
 * outside world (start or tell a worker, end it, keep the network), and the texts the panel shows.
 * trainPanel.ts draws a session and feeds it events; nothing here touches the DOM, a timer or a clock.
 *
 *   idle, finished ─start→ starting ─started→ running ─paused→ paused ─resumed→ running
 *   starting ─stop→ finished (cancelled); starting, running, paused ─done, failed, worker-error→ finished
 *
 * Pause, resume and stop (once started) only ask the worker: the phase follows its answer. An event the
 * phase does not expect (a click on a disabled button, a message from a worker that should be quiet) is
 * refused: `transition` returns undefined and nothing changes.
 */
import type { RunStatus } from "../core/training/checkpoint.js";
import type { TrainConfig, TrainConfigInput } from "../core/training/config.js";
import type { LossHistory } from "../core/training/train.js";
import { formatSig } from "./format.js";
import type { BrowserRun } from "./trainDownloads.js";
import { type LossPoint, thinLoss } from "./trainLossCurve.js";
import {
  type CheckpointMessage,
  PREVIEW_POINTS,
  type ProgressMessage,
  type StartedMessage,
  type TrainMessage,
  type TrainRequest,
} from "./trainProtocol.js";

/** The loss curve keeps at most this many training-loss points (older ones merge in pairs). */
export const MAX_TRACE = 800;

export type Phase = "idle" | "starting" | "running" | "paused" | "finished";

/**
 * What the reader asks for. `start` carries settings that passed the controls' checks, and for the
 * reader's own data its normalised points.
 */
export type SessionCommand =
  | { type: "start"; input: TrainConfigInput; config: TrainConfig; at: Date; points?: Float64Array }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" };

/** The worker died outside a run's own error handling (its script did not load, say). */
export interface WorkerError {
  type: "worker-error";
  /** The browser's message; may be empty. */
  message: string;
}

export type SessionEvent = SessionCommand | TrainMessage | WorkerError;

export type SessionEffect =
  /** Make a fresh worker for the run and send it this request. */
  | { type: "launch"; request: TrainRequest & { type: "start" } }
  | { type: "send"; request: TrainRequest }
  /** The run is over: end its worker, and show the final readouts and curve at once. */
  | { type: "end" }
  /** Keep the latest checkpoint for other pages: at the end of a run always, otherwise when the last save is old. */
  | { type: "save"; final: boolean };

export interface CheckpointRow {
  step: number;
  /** Held-out loss. */
  loss: number;
  /** Sliced Wasserstein distance from the preview to the data. */
  swd: number;
}

export interface SessionState {
  readonly phase: Phase;
  readonly status: string;
  /** The status reports a failure. */
  readonly alert: boolean;
  /** The run's config: the settings' at start, then the worker's (defaults filled, checkpoints set). */
  readonly config?: TrainConfig;
  readonly created?: Date;
  /** The points a file dataset trains on (absent for a built-in set). */
  readonly points?: Float64Array;
  readonly started?: StartedMessage;
  readonly progress?: ProgressMessage;
  /** Mean training loss between progress reports, thinned to MAX_TRACE points. */
  readonly trace: readonly LossPoint[];
  /** Every checkpoint so far, oldest first (the table, and the held-out dots of the curve). */
  readonly checkpoints: readonly CheckpointRow[];
  readonly latest?: CheckpointMessage;
  /** The whole run's loss history, once it is over. */
  readonly finalHistory?: LossHistory;
  readonly runStatus: RunStatus;
}

export interface Transition {
  state: SessionState;
  effects: SessionEffect[];
}

export const INITIAL_SESSION: SessionState = {
  phase: "idle",
  status: "Press Train to start a run with the settings above.",
  alert: false,
  trace: [],
  checkpoints: [],
  runStatus: "running",
};

const EXPECTED: Record<Phase, ReadonlySet<SessionEvent["type"]>> = {
  idle: new Set(["start"]),
  starting: new Set(["stop", "started", "failed", "worker-error"]),
  running: new Set(["pause", "stop", "progress", "checkpoint", "paused", "done", "failed", "worker-error"]),
  // A paused worker still finishes the step in flight, and a stop runs the paused loop to its end.
  paused: new Set(["resume", "stop", "progress", "checkpoint", "resumed", "done", "failed", "worker-error"]),
  finished: new Set(["start"]),
};

/** Rounds before splitting, so 119.7 s is "2 min 0 s", not "1 min 60 s". */
const seconds = (s: number) => {
  if (s < 60) return `${formatSig(s, 2)} s`;
  const total = Math.round(s);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
};

/** A run is going (or being started): the settings cannot change and no other run can start. */
const isBusy = (phase: Phase) => phase === "starting" || phase === "running" || phase === "paused";

/** The session after `event`, and what it asks for; undefined when the phase does not expect the event. */
export function transition(state: SessionState, event: SessionEvent): Transition | undefined {
  if (!EXPECTED[state.phase].has(event.type)) return undefined;
  const next = (changes: Partial<SessionState>, effects: SessionEffect[] = []) => ({ state: { ...state, ...changes }, effects });
  const finish = (changes: Partial<SessionState>, status: string, alert: boolean) =>
    next({ ...changes, phase: "finished", status, alert }, [{ type: "end" }, { type: "save", final: true }]);
  switch (event.type) {
    case "start":
      return {
        state: {
          ...INITIAL_SESSION,
          phase: "starting",
          status: `Starting: loading the ${event.input.backend} engine…`,
          config: event.config,
          created: event.at,
          ...(event.points ? { points: event.points } : {}),
        },
        effects: [{ type: "launch", request: { type: "start", config: event.input, ...(event.points ? { points: event.points } : {}) } }],
      };
    case "pause":
    case "resume":
      return next({}, [{ type: "send", request: { type: event.type } }]);
    case "stop":
      // Before the engine is ready there is nothing to keep: the worker just goes.
      if (state.phase === "starting") {
        return next({ phase: "finished", runStatus: "aborted", status: "Cancelled before training began." }, [{ type: "end" }]);
      }
      return next({ status: "Stopping after the step in flight…" }, [{ type: "send", request: { type: "stop" } }]);
    case "started":
      return next({
        phase: "running",
        started: event,
        config: event.config,
        status: `Training on ${event.engine} (${event.detail}), ready after ${seconds(event.startSeconds)}.`,
      });
    case "progress":
      return next({ progress: event, trace: thinLoss([...state.trace, { step: event.step, loss: event.loss }], MAX_TRACE) });
    case "checkpoint":
      return next({
        latest: event,
        checkpoints: [...state.checkpoints, { step: event.step, loss: event.loss, swd: event.swd }],
      }, [{ type: "save", final: false }]);
    case "paused":
      return next({
        phase: "paused",
        status: `Paused at step ${state.progress?.step ?? 0}: Resume to go on, or Stop to end the run here.`,
      });
    case "resumed":
      return next({ phase: "running", status: `Training on ${state.started?.engine}.` });
    case "done": {
      const rate = event.step / Math.max(event.trainingSeconds, 1e-9);
      const status = event.status === "completed"
        ? `Completed ${event.step} steps on ${state.started?.engine} in ${seconds(event.trainingSeconds)} of training ` +
          `(${formatSig(rate)} steps/s on average).`
        : `Stopped at step ${event.step} of ${state.config?.training.steps}; the network at that step is kept.`;
      return finish({ runStatus: event.status, finalHistory: event.lossHistory }, status, false);
    }
    case "failed":
      return finish(
        { runStatus: event.diverged ? "diverged" : "failed" },
        event.diverged ? `Training diverged: ${event.message}. Try a smaller learning rate.` : `Training failed: ${event.message}.`,
        true,
      );
    case "worker-error":
      return finish({ runStatus: "failed" }, `The training worker failed: ${event.message || "it could not be loaded"}.`, true);
  }
}

/** The run as its downloads and the kept network see it: its latest checkpoint, once there is one. */
export function sessionRun(state: SessionState): BrowserRun | undefined {
  const { latest, started, config, created } = state;
  if (!latest || !started || !config || !created) return undefined;
  return {
    config,
    engine: started.engine,
    versions: started.versions,
    created,
    status: state.runStatus,
    step: latest.step,
    params: latest.params,
    loss: latest.loss,
    lossByTimestep: latest.lossByTimestep,
    lossHistory: state.finalHistory ?? latest.lossHistory,
  };
}

/** What the panel shows of a session, apart from the throttled progress readouts (see progressView). */
export interface SessionView {
  phase: Phase;
  status: string;
  alert: boolean;
  canTrain: boolean;
  canPause: boolean;
  /** The pause button resumes a paused run. */
  pauseLabel: "Pause" | "Resume";
  canStop: boolean;
  /** The settings are greyed out while a run goes: changes would not reach it. */
  settingsLocked: boolean;
  engine: string;
  heldOut: string;
  /** What a perfect network would score, once the worker has measured it. */
  floor: string;
  canDownload: boolean;
  weightsLabel: string;
}

/** `settingsOk`: the controls' settings pass their checks. */
export function sessionView(state: SessionState, settingsOk: boolean): SessionView {
  const { phase, started, latest } = state;
  const busy = isBusy(phase);
  const run = sessionRun(state);
  return {
    phase,
    status: state.status,
    alert: state.alert,
    canTrain: !busy && settingsOk,
    canPause: phase === "running" || phase === "paused",
    pauseLabel: phase === "paused" ? "Resume" : "Pause",
    canStop: busy,
    settingsLocked: busy,
    engine: started ? `${started.engine}: ${started.detail}` : "—",
    heldOut: latest ? `${formatSig(latest.loss)} at step ${latest.step}` : "—",
    floor: started
      ? state.points
        ? `For scale: half of your points, split at random, lie ${formatSig(started.swdFloor)} from the other half in sliced ` +
          "Wasserstein distance (the command line's split-half floor); a network that generalises from your points scores about that."
        : `For scale: a fresh draw of ${PREVIEW_POINTS} data points lies ${formatSig(started.swdFloor)} from the training set ` +
          "in sliced Wasserstein distance; a perfect network's samples would score about that."
      : "",
    canDownload: run !== undefined,
    weightsLabel: run ? `step-${String(run.step).padStart(6, "0")}.f32` : "weights (.f32)",
  };
}

export interface ProgressView {
  /** The progress bar's length; undefined before any run. */
  max?: number;
  value: number;
  text: string;
  step: string;
  loss: string;
  speed: string;
  time: string;
}

/** The progress bar and readouts: the latest report, or an empty bar for a run that has not reported yet. */
export function progressView(state: SessionState): ProgressView {
  if (!state.progress) {
    const total = state.config?.training.steps;
    return { max: total, value: 0, text: total === undefined ? "" : `step 0 of ${total}`, step: "—", loss: "—", speed: "—", time: "—" };
  }
  const { step, steps: total, loss, stepsPerSecond } = state.progress;
  const left = stepsPerSecond > 0 ? (total - step) / stepsPerSecond : NaN;
  return {
    max: total,
    value: step,
    text: `step ${step} of ${total}`,
    step: `${step} of ${total}`,
    loss: formatSig(loss),
    speed: `${formatSig(stepsPerSecond)} steps/s`,
    time: `${seconds(state.progress.seconds)} of training` +
      (step < total && Number.isFinite(left) ? `, about ${seconds(left)} left` : ""),
  };
}
