/**
 * PagerDuty Events API v2: trigger or resolve an alert. The dedup key (default: the run id) makes a
 * repeated trigger the same incident, and lets a later step resolve it. Output: the dedup key.
 */
import { PagerDutyStep } from '@riskloop/contracts';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { join, need, parseInput, type Connector, type ConnectorContext } from './context.ts';

export interface PagerDutyEvent {
  action: 'trigger' | 'resolve';
  severity: 'critical' | 'error' | 'warning' | 'info';
  summary: string;
  dedupKey: string;
}

export async function sendPagerDuty(
  destination: OpenDestination,
  event: PagerDutyEvent,
  context: ConnectorContext,
): Promise<{ dedup_key: string; status: string }> {
  if (destination.config.type !== 'pagerduty') throw new Error('not a pagerduty destination');
  const routingKey = need(destination.credentials, 'routing_key', destination.name);
  const url = join(destination.config.settings.events_url, 'enqueue');
  return context.call(destination.name, async () => {
    const answer = expectOk(
      await context.http.send({
        url,
        method: 'POST',
        body: {
          routing_key: routingKey,
          event_action: event.action,
          dedup_key: event.dedupKey,
          ...(event.action === 'trigger'
            ? {
                payload: {
                  summary: event.summary,
                  source: 'riskloop',
                  severity: event.severity,
                  custom_details: {
                    run: context.exec.runId,
                    workflow: context.exec.workflowId,
                    step: context.exec.stepId,
                  },
                },
              }
            : {}),
        },
        timeoutMs: context.exec.timeoutMs,
      }),
    );
    const body = answer.body as { status?: string; dedup_key?: string };
    return { dedup_key: body.dedup_key ?? event.dedupKey, status: body.status ?? 'success' };
  });
}

const Input = PagerDutyStep.shape.pagerduty;

export const pagerduty: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const destination = (await context.store.open(
    context.tenant,
    context.config,
    'pagerduty',
    input.destination,
  ))!;
  context.usedDestination(destination.name);
  return sendPagerDuty(
    destination,
    {
      action: input.action,
      severity: input.severity,
      summary: input.summary,
      dedupKey: input.dedup_key ?? context.exec.runId,
    },
    context,
  );
};
