/**
 * `GET /api/runs/:runId/events`: the run's progress as server-sent events. Any runner copy may apply the
 * run's next event, so the gateway follows the run's history in PostgreSQL (through the runner) rather than
 * one process's memory: each applied event is one `progress` event with the run as it is after it, and the
 * stream ends with `end` once the run has finished. `Last-Event-ID` resumes after a reconnect.
 */
import { request, type BusConnection } from '@riskloop/bus';
import { runnerRpcs } from '@riskloop/contracts';
import { streamSSE } from 'hono/streaming';
import type { GatewayContext } from './context.ts';

export function streamRunEvents(
  c: GatewayContext,
  bus: BusConnection,
  runId: string,
  pollMs = 500,
): Response {
  const tenant = c.get('principal').tenantId;
  let after = Number(c.req.header('last-event-id') ?? 0) || 0;
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    while (open) {
      const { items, run } = await request(bus, runnerRpcs.runHistory, tenant, { runId, after });
      for (const item of items) {
        after = item.seq;
        await stream.writeSSE({
          id: String(item.seq),
          event: 'progress',
          data: JSON.stringify({ ...item, run: items.at(-1) === item ? run : undefined }),
        });
      }
      if (run.status !== 'running' && run.status !== 'queued' && items.length === 0) {
        await stream.writeSSE({ event: 'end', data: JSON.stringify(run) });
        return;
      }
      if (items.length === 0) await stream.sleep(pollMs);
    }
  });
}
