/** PagerDuty Events API v2 (`/v2/enqueue`, `/v2/change/enqueue`): 202 with the dedup key, 400 when invalid. */
import { needString, startFakeServer, type FakeServer } from './fake-server.ts';

export interface PagerDutyFake extends FakeServer {
  routingKey: string;
  eventsUrl: string;
  events: { action: string; dedupKey: string; summary?: string; severity?: string }[];
  /** Open alerts by dedup key (a repeated trigger is the same alert). */
  open: Set<string>;
}

export async function startPagerDutyFake(
  routingKey = 'R0UTINGKEY0000000000000000000000',
): Promise<PagerDutyFake> {
  const events: PagerDutyFake['events'] = [];
  const open = new Set<string>();
  let n = 0;
  const server = await startFakeServer([
    {
      method: 'POST',
      path: /^\/v2\/enqueue$/,
      check: (request) => {
        const body = (request.json ?? {}) as Record<string, any>;
        if (body.routing_key !== routingKey) return 'Invalid routing key';
        if (!['trigger', 'acknowledge', 'resolve'].includes(body.event_action as string))
          return 'Invalid event_action';
        if (body.event_action === 'trigger') {
          const payload = (body.payload ?? {}) as Record<string, unknown>;
          return (
            needString(payload.summary, 'payload.summary') ??
            needString(payload.source, 'payload.source') ??
            (['critical', 'error', 'warning', 'info'].includes(payload.severity as string)
              ? undefined
              : 'Invalid severity')
          );
        }
        return needString(body.dedup_key, 'dedup_key');
      },
      reply: (request) => {
        const body = request.json as Record<string, any>;
        n += 1;
        const dedupKey = (body.dedup_key as string | undefined) ?? `fake-${n}`;
        events.push({
          action: body.event_action as string,
          dedupKey,
          summary: body.payload?.summary,
          severity: body.payload?.severity,
        });
        if (body.event_action === 'resolve') open.delete(dedupKey);
        else open.add(dedupKey);
        return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
      },
    },
    {
      method: 'POST',
      path: /^\/v2\/change\/enqueue$/,
      check: (request) =>
        (request.json as Record<string, unknown> | undefined)?.routing_key === routingKey
          ? undefined
          : 'Invalid routing key',
      reply: () => ({ status: 202, body: { status: 'success', message: 'Change event processed' } }),
    },
  ]);
  return { ...server, routingKey, eventsUrl: `${server.url}/v2/`, events, open };
}
