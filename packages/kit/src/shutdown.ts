/**
 * Graceful shutdown: on SIGTERM or SIGINT, run the registered steps in reverse order of registration
 * (stop taking work, finish in-flight work, close pools), then exit.
 */
import type { Logger } from 'pino';

export type ShutdownStep = () => Promise<void> | void;

export interface Lifecycle {
  /** Register a step; steps run last-registered first. */
  onShutdown(name: string, step: ShutdownStep): void;
  /** Run every step once. Safe to call more than once. */
  shutdown(reason: string): Promise<void>;
}

export interface LifecycleOptions {
  log: Logger;
  /** Force exit if shutdown takes longer than this. */
  timeoutMs?: number;
  /** Install SIGTERM/SIGINT handlers that exit the process (false for in-process use). */
  handleSignals?: boolean;
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const steps: { name: string; step: ShutdownStep }[] = [];
  let running: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    running ??= (async () => {
      options.log.info({ reason }, 'shutting down');
      for (const { name, step } of [...steps].reverse()) {
        try {
          await step();
        } catch (error) {
          options.log.error({ err: error, step: name }, 'shutdown step failed');
        }
      }
      options.log.info('stopped');
    })();
    return running;
  };

  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        const timer = setTimeout(() => process.exit(1), options.timeoutMs ?? 20_000);
        timer.unref();
        void shutdown(signal).then(() => process.exit(0));
      });
    }
  }

  return { onShutdown: (name, step) => steps.push({ name, step }), shutdown };
}
