/**
 * A periodic background task (reconcilers, re-drives): runs `task` every `everyMs` until stopped, one run
 * at a time, logging failures instead of dying. `stop()` wakes a sleeping loop and waits for a running task.
 */
import { describeError } from './errors.ts';
import type { Logger } from './log.ts';

export interface LoopOptions {
  name: string;
  everyMs: number;
  log: Logger;
  task: () => Promise<void>;
}

export function startLoop(options: LoopOptions): () => Promise<void> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      try {
        await options.task();
      } catch (error) {
        options.log.warn(
          { err: error, loop: options.name },
          `${options.name} failed: ${describeError(error)}`,
        );
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.everyMs).unref();
      });
    }
  })();
  return async () => {
    stopped = true;
    wake?.();
    await done;
  };
}
