/**
 * Deliver a relay step's command again, as JetStream would after a lost ack: the same idempotency key
 * (read from the relay's delivery row), published anew. Resolves once the relay has answered with the
 * stored result again, so a test can then check that no second effect happened.
 */
import { publishEvent } from '@riskloop/bus';
import { cloudEvent, eventTypes, subjects, type StepExec } from '@riskloop/contracts';
import { randomUUID } from 'node:crypto';
import type { Platform } from './platform.ts';
import { waitFor } from './processes.ts';

export interface RedeliveredStep {
  runId: string;
  workflowId: string;
  stepId: string;
  kind: string;
  /** The rendered input (the run's step record has it); default: the request the relay recorded. */
  input?: Record<string, unknown>;
}

export async function redeliverRelayCommand(platform: Platform, step: RedeliveredStep): Promise<void> {
  const [row] = await platform.db.query<{
    idempotency_key: string;
    tenant_id: string;
    request: Record<string, unknown>;
  }>(`select idempotency_key, tenant_id, request from relay.deliveries where run_id = $1 and step_id = $2`, [
    step.runId,
    step.stepId,
  ]);
  if (!row) throw new Error(`no delivery of step ${step.stepId} in run ${step.runId}`);
  const data: StepExec = {
    runId: step.runId,
    workflowId: step.workflowId,
    stepId: step.stepId,
    kind: step.kind,
    attempt: 1,
    idempotencyKey: row.idempotency_key,
    input: step.input ?? row.request,
    timeoutMs: 5_000,
    maxAttempts: 1,
    backoffInitialMs: 0,
    backoffMaxMs: 0,
  };
  const { bus } = platform.testBus;
  const results: string[] = [];
  const sub = bus.nc.subscribe(bus.subject(subjects.runEvent(row.tenant_id, step.runId)), {
    callback: (_e, msg) => {
      results.push(msg.json<{ id: string }>().id);
    },
  });
  try {
    const tenant = row.tenant_id;
    const event = cloudEvent({ id: randomUUID(), source: 'test', type: eventTypes.stepExec, tenant, data });
    await publishEvent(bus, subjects.stepExec(step.kind, tenant), event);
    await waitFor(() => results.includes(`result:${row.idempotency_key}`), 30_000, 'the stored result again');
  } finally {
    sub.unsubscribe();
  }
}
