/**
 * What every second thread of the fused kernel runs (worker.ts for training, inferenceWorker.ts for
 * inference): it instantiates the kernel on the memory it shares with the calling thread, says it is
 * ready, then waits for each start signal, does the call's job and signals completion, until told to exit.
 */

/** The control words both engines share (each adds its own after them): the handshake of one call. */
export const THREAD_CONTROL = { start: 0, done: 1, command: 2 } as const;
/** Int32 words of the control block: the shared three and each engine's own after them. */
export const CONTROL_WORDS = 8;
/** The command that ends the thread. */
export const EXIT_COMMAND = 2;

export interface ThreadSetup<Plan> {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  plan: Plan;
}

/**
 * Serves calls on this worker. `prepare` runs once the kernel is instantiated and returns the job of
 * one call, which reads its inputs from memory and the control words and writes its results there.
 */
export function serveKernelThread<Plan extends { control: number }, Exports>(
  prepare: (wasm: Exports, setup: ThreadSetup<Plan>, control: Int32Array) => () => void,
): void {
  self.onmessage = async (event: MessageEvent<ThreadSetup<Plan>>) => {
    const setup = event.data;
    const instance = await WebAssembly.instantiate(setup.module, { env: { memory: setup.memory } });
    const control = new Int32Array(setup.memory.buffer, setup.plan.control, CONTROL_WORDS);
    const job = prepare(instance.exports as unknown as Exports, setup, control);
    self.postMessage("ready");
    // Blocking here is allowed (a worker) and keeps the wake-up latency to a futex call.
    for (let seen = 0;;) {
      Atomics.wait(control, THREAD_CONTROL.start, seen);
      seen = Atomics.load(control, THREAD_CONTROL.start);
      if (Atomics.load(control, THREAD_CONTROL.command) === EXIT_COMMAND) break;
      // A job reports its own failure in memory (the caller checks it); done is signalled whatever
      // happens, or the caller, blocked on it, would wait forever.
      try {
        job();
      } finally {
        Atomics.store(control, THREAD_CONTROL.done, seen);
        Atomics.notify(control, THREAD_CONTROL.done);
      }
    }
    self.close();
  };
}
