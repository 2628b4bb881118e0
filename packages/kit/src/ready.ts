/**
 * The readiness signal of a process: one log line with `"msg":"ready"` (what the launcher and tests wait
 * for), when the process was forked with an IPC channel a `{ type: 'ready' }` message, and from then on
 * `GET /readyz` on the metrics server answers 200 (container probes). When several services share a
 * process (`npm start`), the first one ready flips it.
 */
import type { Logger } from 'pino';

let ready = false;

export function signalReady(log: Logger, details: Record<string, unknown> = {}): void {
  ready = true;
  log.info(details, 'ready');
  process.send?.({ type: 'ready', ...details });
}

/** Whether this process has signalled ready. */
export function isReady(): boolean {
  return ready;
}
