/**
 * The Train page's run session without the page: every transition of a run (the reader's commands and
 * the worker's messages), the events each phase refuses, the texts the panel shows, and the two helpers
 * the panel paces itself with: the autosave of the network and the throttled redraws.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseTrainConfig, type TrainConfigInput } from "../../src/core/training/config.js";
import { autosave } from "../../src/components/autosave.js";
import { throttledTask } from "../../src/components/throttledTask.js";
import type { CheckpointMessage, StartedMessage } from "../../src/components/trainProtocol.js";
import {
  INITIAL_SESSION,
  MAX_TRACE,
  type Phase,
  progressView,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  sessionRun,
  sessionView,
  transition,
} from "../../src/components/trainSession.js";

const input: TrainConfigInput = { training: { steps: 300, batch: 64 }, backend: "fused-wasm" };
const config = parseTrainConfig(input);
const at = new Date("2025-01-02T03:04:05Z");
const start: SessionEvent = { type: "start", input, config, at };
const started: StartedMessage = {
  type: "started",
  config: parseTrainConfig({ ...input, training: { ...input.training, checkpoints: [0, 100, 200, 300] } }),
  engine: "fused-wasm-simd-fma",
  detail: "WebAssembly SIMD kernel, one thread",
  versions: { engine: "fused-wasm-simd-fma" },
  startSeconds: 0.25,
  swdFloor: 0.042,
};
const progress = (step: number, loss = 0.5, stepsPerSecond = 200, seconds = step / 200): SessionEvent => ({
  type: "progress",
  step,
  steps: 300,
  loss,
  stepsPerSecond,
  seconds,
});
const checkpoint = (step: number, loss: number): CheckpointMessage => ({
  type: "checkpoint",
  step,
  params: new Float32Array([step, loss]),
  loss,
  lossByTimestep: [{ from: 0, to: 1000, loss }],
  lossHistory: { steps: [step], loss: [loss] },
  preview: new Float64Array(4),
  swd: 0.05,
});

/** Feeds the events in order, failing on a refused one; returns the last state and every effect asked for. */
function play(events: SessionEvent[], from: SessionState = INITIAL_SESSION) {
  let state = from;
  const effects: SessionEffect[] = [];
  for (const event of events) {
    const next = transition(state, event);
    if (!next) throw new Error(`${event.type} refused in phase ${state.phase}`);
    state = next.state;
    effects.push(...next.effects);
  }
  return { state, effects };
}

const at150 = play([start, started, progress(150, 0.31, 200, 0.75)]).state;

describe("a run", () => {
  it("waits for valid settings before it can start, with nothing to stop or download", () => {
    expect(INITIAL_SESSION.phase).toBe("idle");
    expect(sessionView(INITIAL_SESSION, true)).toMatchObject({
      status: "Press Train to start a run with the settings above.",
      canTrain: true,
      canPause: false,
      canStop: false,
      settingsLocked: false,
      canDownload: false,
      weightsLabel: "weights (.f32)",
      engine: "—",
      floor: "",
    });
    expect(sessionView(INITIAL_SESSION, false).canTrain).toBe(false);
    expect(progressView(INITIAL_SESSION)).toEqual({ max: undefined, value: 0, text: "", step: "—", loss: "—", speed: "—", time: "—" });
  });

  it("starts by launching a worker with the settings as typed, and locks the settings", () => {
    const { state, effects } = play([start]);
    expect(effects).toEqual([{ type: "launch", request: { type: "start", config: input } }]);
    expect(state).toMatchObject({ phase: "starting", config, created: at, status: "Starting: loading the fused-wasm engine…" });
    expect(sessionView(state, true)).toMatchObject({ canTrain: false, canPause: false, canStop: true, settingsLocked: true });
    expect(progressView(state)).toMatchObject({ max: 300, value: 0, text: "step 0 of 300", step: "—" });
  });

  it("hands the reader's own points to the worker and keeps them for the model; the floor says they are its own", () => {
    const points = Float64Array.from([0, 1, 1, 0, -1, 0]);
    const { state, effects } = play([{ ...start, points }, started]);
    expect(effects[0]).toEqual({ type: "launch", request: { type: "start", config: input, points } });
    expect(state.points).toBe(points);
    expect(sessionView(state, true).floor).toMatch(/^For scale: half of your points, split at random, lie .* split-half floor/);
    expect(play([start, started]).state.points).toBeUndefined();
  });

  it("runs once the worker reports its engine, and shows its progress", () => {
    const running = play([start, started]).state;
    expect(running.phase).toBe("running");
    expect(running.config).toBe(started.config);
    expect(running.status).toBe("Training on fused-wasm-simd-fma (WebAssembly SIMD kernel, one thread), ready after 0.25 s.");
    const view = sessionView(running, true);
    expect(view.engine).toBe("fused-wasm-simd-fma: WebAssembly SIMD kernel, one thread");
    expect(view.floor).toMatch(/^For scale: a fresh draw of 256 data points lies 0\.042 from the training set/);
    expect(view).toMatchObject({ canPause: true, pauseLabel: "Pause", canStop: true });

    expect(at150.trace).toEqual([{ step: 150, loss: 0.31 }]);
    // (300 − 150) / 200 = 0.75 s left.
    expect(progressView(at150)).toEqual({
      max: 300,
      value: 150,
      text: "step 150 of 300",
      step: "150 of 300",
      loss: "0.31",
      speed: "200 steps/s",
      time: "0.75 s of training, about 0.75 s left",
    });
    // Past a minute the time reads in minutes; no rate, no estimate of what is left.
    expect(progressView(play([progress(200, 0.3, 0, 125)], at150).state).time).toBe("2 min 5 s of training");
    // Rounded before it is split: 119.7 s is 2 min 0 s, not 1 min 60 s.
    expect(progressView(play([progress(200, 0.3, 0, 119.7)], at150).state).time).toBe("2 min 0 s of training");
  });

  it("pauses and resumes when the worker says so, not when the button is pressed", () => {
    const asked = play([{ type: "pause" }], at150);
    expect(asked.effects).toEqual([{ type: "send", request: { type: "pause" } }]);
    expect(asked.state).toEqual(at150);

    const paused = play([{ type: "paused" }], asked.state).state;
    expect(paused.phase).toBe("paused");
    expect(paused.status).toBe("Paused at step 150: Resume to go on, or Stop to end the run here.");
    expect(sessionView(paused, true)).toMatchObject({ pauseLabel: "Resume", canPause: true, settingsLocked: true });

    const resumed = play([{ type: "resume" }, { type: "resumed" }], paused);
    expect(resumed.effects).toEqual([{ type: "send", request: { type: "resume" } }]);
    expect(resumed.state.phase).toBe("running");
    expect(resumed.state.status).toBe("Training on fused-wasm-simd-fma.");
  });

  it("lists each checkpoint, asks to keep it, and offers it for download", () => {
    const first = checkpoint(0, 0.97);
    const last = checkpoint(100, 0.5);
    const { state, effects } = play([first, last], at150);
    expect(state.checkpoints).toEqual([{ step: 0, loss: 0.97, swd: 0.05 }, { step: 100, loss: 0.5, swd: 0.05 }]);
    expect(state.latest).toBe(last);
    expect(effects).toEqual([{ type: "save", final: false }, { type: "save", final: false }]);
    expect(sessionView(state, true)).toMatchObject({ heldOut: "0.5 at step 100", canDownload: true, weightsLabel: "step-000100.f32" });
    expect(sessionRun(state)).toEqual({
      config: started.config,
      engine: "fused-wasm-simd-fma",
      versions: started.versions,
      created: at,
      status: "running",
      step: 100,
      params: last.params,
      loss: 0.5,
      lossByTimestep: last.lossByTimestep,
      lossHistory: last.lossHistory,
    });
  });

  it("completes: the worker goes, the network is kept, the run's whole history is downloaded", () => {
    const lossHistory = { steps: [100, 200, 300], loss: [0.5, 0.3, 0.25] };
    const { state, effects } = play(
      [checkpoint(300, 0.25), { type: "done", status: "completed", step: 300, lossHistory, trainingSeconds: 1.5 }],
      at150,
    );
    expect(state.phase).toBe("finished");
    expect(state.status).toBe("Completed 300 steps on fused-wasm-simd-fma in 1.5 s of training (200 steps/s on average).");
    expect(state.alert).toBe(false);
    expect(effects.slice(1)).toEqual([{ type: "end" }, { type: "save", final: true }]);
    expect(sessionRun(state)).toMatchObject({ status: "completed", step: 300, lossHistory });
    expect(sessionView(state, true)).toMatchObject({ canTrain: true, canPause: false, canStop: false, settingsLocked: false });
  });

  it("stops after the step in flight: the worker is asked, then reports where it stopped", () => {
    const asked = play([{ type: "stop" }], at150);
    expect(asked.effects).toEqual([{ type: "send", request: { type: "stop" } }]);
    expect(asked.state.phase).toBe("running");
    expect(asked.state.status).toBe("Stopping after the step in flight…");
    const done = play(
      [{ type: "done", status: "aborted", step: 160, lossHistory: { steps: [160], loss: [0.3] }, trainingSeconds: 0.8 }],
      asked.state,
    );
    expect(done.state.status).toBe("Stopped at step 160 of 300; the network at that step is kept.");
    expect(done.state.runStatus).toBe("aborted");
    expect(done.effects).toEqual([{ type: "end" }, { type: "save", final: true }]);
  });

  it("stops while paused too: the paused loop runs to its end", () => {
    const { state } = play(
      [{ type: "paused" }, { type: "stop" }, progress(151), checkpoint(151, 0.3), {
        type: "done",
        status: "aborted",
        step: 151,
        lossHistory: { steps: [151], loss: [0.3] },
        trainingSeconds: 0.8,
      }],
      at150,
    );
    expect(state.phase).toBe("finished");
    expect(sessionRun(state)?.step).toBe(151);
  });

  it("cancels a run that has not started training: nothing to save", () => {
    const { state, effects } = play([start, { type: "stop" }]);
    expect(state.phase).toBe("finished");
    expect(state.status).toBe("Cancelled before training began.");
    expect(effects.slice(1)).toEqual([{ type: "end" }]);
    expect(sessionRun(state)).toBeUndefined();
  });

  it("reports failures as alerts, keeping the checkpoints made before", () => {
    const withCheckpoint = play([checkpoint(100, 0.5)], at150).state;
    const diverged = play([{ type: "failed", message: "loss is NaN at step 120", diverged: true }], withCheckpoint);
    expect(diverged.state).toMatchObject({
      phase: "finished",
      alert: true,
      runStatus: "diverged",
      status: "Training diverged: loss is NaN at step 120. Try a smaller learning rate.",
    });
    expect(diverged.effects).toEqual([{ type: "end" }, { type: "save", final: true }]);
    expect(sessionRun(diverged.state)?.status).toBe("diverged");

    const failed = play([start, { type: "failed", message: "backend webgpu cannot start", diverged: false }]).state;
    expect(failed).toMatchObject({ alert: true, runStatus: "failed", status: "Training failed: backend webgpu cannot start." });

    const crashed = play([{ type: "worker-error", message: "" }], withCheckpoint).state;
    expect(crashed).toMatchObject({ alert: true, runStatus: "failed", status: "The training worker failed: it could not be loaded." });
    expect(play([start, { type: "worker-error", message: "SyntaxError" }]).state.status).toBe("The training worker failed: SyntaxError.");
  });

  it("starts afresh after a run, forgetting the last one", () => {
    const failed = play([checkpoint(100, 0.5), { type: "failed", message: "x", diverged: true }], at150).state;
    const input400 = { ...input, training: { steps: 400, batch: 64 } };
    const { state, effects } = play([{ type: "start", input: input400, config: parseTrainConfig(input400), at }], failed);
    expect(effects).toEqual([{ type: "launch", request: { type: "start", config: input400 } }]);
    expect(state).toMatchObject({ phase: "starting", alert: false, runStatus: "running", trace: [], checkpoints: [] });
    expect(state.latest).toBeUndefined();
    expect(state.started).toBeUndefined();
    expect(progressView(state)).toMatchObject({ max: 400, text: "step 0 of 400", loss: "—" });
    expect(sessionView(state, true)).toMatchObject({ engine: "—", heldOut: "—", floor: "", canDownload: false });
  });

  it("keeps the training-loss trace to MAX_TRACE points however long the run", () => {
    const events = Array.from({ length: 2 * MAX_TRACE + 1 }, (_, i) => progress(i + 1, 1));
    const { state } = play(events, play([start, started]).state);
    expect(state.trace.length).toBeLessThanOrEqual(MAX_TRACE);
    expect(state.trace.at(-1)!.step).toBe(2 * MAX_TRACE + 1);
    expect(state.trace.every((point) => point.loss === 1)).toBe(true);
  });

  it("leaves the state it was given untouched", () => {
    const before = structuredClone(at150);
    play([checkpoint(0, 0.9), progress(160), { type: "paused" }], at150);
    expect(at150).toEqual(before);
  });
});

describe("refused events", () => {
  const states: Record<Phase, SessionState> = {
    idle: INITIAL_SESSION,
    starting: play([start]).state,
    running: at150,
    paused: play([{ type: "paused" }], at150).state,
    finished: play([{ type: "done", status: "completed", step: 300, lossHistory: { steps: [], loss: [] }, trainingSeconds: 1 }], at150)
      .state,
  };
  const done: SessionEvent = { type: "done", status: "completed", step: 300, lossHistory: { steps: [], loss: [] }, trainingSeconds: 1 };
  const refused: Record<Phase, SessionEvent[]> = {
    // Commands of disabled buttons, and messages from no worker at all.
    idle: [{ type: "pause" }, { type: "resume" }, { type: "stop" }, started, progress(1), checkpoint(0, 1), done, { type: "paused" }],
    // A second Train press; a worker that reports before it has started.
    starting: [start, { type: "pause" }, { type: "resume" }, progress(1), checkpoint(0, 1), done, { type: "paused" }],
    running: [start, started, { type: "resume" }, { type: "resumed" }],
    paused: [start, started, { type: "pause" }, { type: "paused" }],
    // The worker is gone: late messages are dropped.
    finished: [
      { type: "pause" },
      { type: "resume" },
      { type: "stop" },
      started,
      progress(1),
      checkpoint(0, 1),
      done,
      { type: "failed", message: "x", diverged: false },
      { type: "worker-error", message: "x" },
    ],
  };
  for (const phase of Object.keys(refused) as Phase[]) {
    it(`in ${phase}: ${refused[phase].map((event) => event.type).join(", ")}`, () => {
      expect(states[phase].phase).toBe(phase);
      for (const event of refused[phase]) expect(transition(states[phase], event), event.type).toBeUndefined();
    });
  }
});

describe("autosave", () => {
  const setup = (everyMs = 1000) => {
    let latest: { step: number } | undefined;
    let now = 0;
    const deferred: (() => void)[] = [];
    const saved: number[] = [];
    const saver = autosave({
      latest: () => latest,
      save: (value) => saved.push(value.step),
      everyMs,
      now: () => now,
      defer: (task) => deferred.push(task),
    });
    const runDeferred = () => deferred.splice(0).forEach((task) => task());
    return {
      saver,
      saved,
      deferred,
      runDeferred,
      at: (ms: number, step?: number) => {
        now = ms;
        latest = step === undefined ? undefined : { step };
      },
    };
  };

  it("saves in a task of its own, at most once per interval until the run ends", () => {
    const { saver, saved, deferred, runDeferred, at } = setup();
    at(0, 100);
    saver.request(false);
    expect(saved).toEqual([]);
    runDeferred();
    expect(saved).toEqual([100]);
    at(500, 200);
    saver.request(false);
    expect(deferred).toHaveLength(0);
    at(900, 300);
    saver.request(true);
    runDeferred();
    expect(saved).toEqual([100, 300]);
    // The final save restarts the interval.
    at(1800, 400);
    saver.request(false);
    expect(deferred).toHaveLength(0);
    at(1900, 400);
    saver.request(false);
    runDeferred();
    expect(saved).toEqual([100, 300, 400]);
  });

  it("never keeps the untrained network, nor the same step twice", () => {
    const { saver, saved, deferred, runDeferred, at } = setup();
    at(0, 0);
    saver.request(true);
    saver.saveNow();
    expect(deferred).toHaveLength(0);
    at(0);
    saver.saveNow();
    at(5000, 100);
    saver.saveNow();
    saver.request(true);
    runDeferred();
    expect(saved).toEqual([100]);
  });

  it("saves the first checkpoint of a new run without waiting", () => {
    const { saver, saved, runDeferred, at } = setup();
    at(0, 100);
    saver.request(false);
    runDeferred();
    saver.reset();
    at(10, 100);
    saver.request(false);
    runDeferred();
    // The new run's step 100 is another network than the last run's.
    expect(saved).toEqual([100, 100]);
  });
});

describe("throttled task", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once per burst of requests, after the interval", () => {
    vi.useFakeTimers();
    const task = vi.fn();
    const throttled = throttledTask(task, 250);
    throttled.request();
    vi.advanceTimersByTime(200);
    throttled.request();
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    expect(task).toHaveBeenCalledTimes(1);
    throttled.request();
    vi.advanceTimersByTime(250);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it("runs at once on flush, in place of the scheduled run, and not at all once cancelled", () => {
    vi.useFakeTimers();
    const task = vi.fn();
    const throttled = throttledTask(task, 250);
    throttled.request();
    throttled.flush();
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(1);
    throttled.request();
    throttled.cancel();
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
