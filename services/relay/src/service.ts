/** Start the relay on a booted runtime: one consumer per step kind it executes. */
import { startConsumer } from '@riskloop/bus';
import { StepCommand, streams, subjects } from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { callWebhook } from './adapters/webhook.ts';
import { createDeliveries } from './deliveries.ts';

export interface RelayOptions {
  concurrency: number;
  leaseMs: number;
  ackWaitMs: number;
}

export async function startRelay(runtime: RuntimeWithDb, options: RelayOptions): Promise<void> {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'relay', bus, log });
  const deliveries = createDeliveries({ orm, bus, outbox, leaseMs: options.leaseMs });

  const webhook = await startConsumer(bus, {
    stream: streams.steps,
    durable: 'relay-webhook',
    filter: subjects.stepExecAll('webhook'),
    schema: StepCommand,
    concurrency: options.concurrency,
    ackWaitMs: options.ackWaitMs,
    handle: (command) =>
      deliveries.handle(command, ({ data }) =>
        callWebhook(data.input, {
          idempotencyKey: data.idempotencyKey,
          runId: data.runId,
          timeoutMs: data.timeoutMs,
          maxAttempts: data.maxAttempts,
          backoffInitialMs: data.backoffInitialMs,
          backoffMaxMs: data.backoffMaxMs,
        }),
      ),
  });
  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('relay: work', async () => {
    await webhook.stop();
    await stopReconciler();
  });
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'relay', env, db: database, ...shared });
  await startRelay(runtime, {
    concurrency: env.RELAY_CONCURRENCY,
    leaseMs: env.RELAY_LEASE_MS,
    ackWaitMs: env.RELAY_ACK_WAIT_MS,
  });
  runtime.ready();
}
