/**
 * The readiness signal of a process: one log line with `"msg":"ready"` (what the launcher and tests wait
 * for) and, when the process was forked with an IPC channel, a `{ type: 'ready' }` message.
 */
import type { Logger } from 'pino';

export function signalReady(log: Logger, details: Record<string, unknown> = {}): void {
  log.info(details, 'ready');
  process.send?.({ type: 'ready', ...details });
}
