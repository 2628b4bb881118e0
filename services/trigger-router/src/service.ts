/**
 * Start the trigger router on a booted runtime: manual runs and webhooks over RPC, breach and event
 * consumers, schedules, the workflow index, the queued-run releaser and the outbox reconciler.
 */
import { request, serve, startConsumer } from '@riskloop/bus';
import { CloudEvent, rpcs, RunFinishedEvent, streams, subjects, triggerRpcs } from '@riskloop/contracts';
import { createKeyring, parseMasterKeys } from '@riskloop/crypto';
import { createOutbox, pgDataKeyStore } from '@riskloop/db';
import { RiskloopError } from '@riskloop/kit';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { createClock } from './clock.ts';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createInbound } from './inbound.ts';
import { checkManualInput } from './manual-input.ts';
import { startSchedules } from './schedules.ts';
import { createStats } from './stats.ts';
import { createTriggerRouter } from './triggers.ts';
import { createWebhooks } from './webhooks.ts';
import { createWorkflowIndex, followRegistry } from './workflow-index.ts';

export async function startTriggerRouter(runtime: RuntimeWithDb, env: Env): Promise<void> {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'trigger_router', bus, log });
  const registry = {
    activeVersion: (tenant: string, workflowId: string) =>
      request(bus, rpcs.getActiveVersion, tenant, { workflowId }),
  };
  const router = createTriggerRouter({
    orm,
    outbox,
    registry,
    log,
    runsPerSecond: env.TRIGGER_RUNS_PER_SECOND,
    maxInFlight: env.TRIGGER_MAX_IN_FLIGHT,
  });
  const clock = createClock({
    start: env.TRIGGER_CLOCK_START ? new Date(env.TRIGGER_CLOCK_START) : undefined,
    epochMs: env.TRIGGER_CLOCK_EPOCH_MS,
    speed: env.TRIGGER_CLOCK_SPEED,
  });
  const index = createWorkflowIndex(bus);
  const stopFollowing = await followRegistry(bus, index, log, env.TRIGGER_INDEX_REFRESH_MS);
  const inbound = createInbound({ bus, router, index, now: () => new Date() });
  const keyring = env.RISKLOOP_MASTER_KEYS
    ? createKeyring(parseMasterKeys(env.RISKLOOP_MASTER_KEYS), pgDataKeyStore(orm, 'trigger_router'))
    : undefined;
  const webhooks = createWebhooks({
    orm,
    router,
    index,
    keyring,
    workflowExists: async (tenant, workflowId) => {
      await request(bus, rpcs.getWorkflow, tenant, { workflowId });
    },
  });
  const stats = createStats(bus, orm);

  const servers = [
    serve(bus, triggerRpcs.rotateKeys, async () => {
      if (!keyring) throw RiskloopError.unavailable('RISKLOOP_MASTER_KEYS is not set for the trigger-router');
      return keyring.rotate();
    }),
    serve(bus, rpcs.startManualRun, async (body, { tenant }) => {
      const active = await registry.activeVersion(tenant, body.workflowId);
      checkManualInput(active.definition, body.payload);
      return router.startRun(tenant, body.workflowId, {
        type: 'manual',
        sourceId: body.requestId,
        payload: body.payload,
        actor: body.actor,
      });
    }),
    serve(bus, rpcs.getTriggeredRun, (body, { tenant }) => router.triggeredRun(tenant, body.runId)),
    serve(bus, triggerRpcs.rotateWebhookSecret, (b, { tenant }) =>
      webhooks.rotateSecret(tenant, b.workflowId, b.actor),
    ),
    serve(bus, triggerRpcs.receiveWebhook, (b, { tenant }) =>
      webhooks.receive(tenant, b.workflowId, b.headers, b.body, new Date()),
    ),
    serve(bus, triggerRpcs.triggerStats, async (_b, { tenant }) => ({
      ...(await stats.read(tenant)),
      activeWorkflows: index.find(tenant, () => true).length,
    })),
  ];
  const consumers = await Promise.all([
    startConsumer(bus, {
      stream: streams.triggers,
      durable: 'trigger-router-breaches',
      filter: 'kri.breach.>',
      schema: CloudEvent,
      handle: (event, { subject }) => inbound.breach(event, subject),
    }),
    startConsumer(bus, {
      stream: streams.triggers,
      durable: 'trigger-router-finished',
      filter: subjects.runFinishedAll(),
      schema: RunFinishedEvent,
      handle: (event) => router.finished(event.tenantid, event.data),
    }),
    startConsumer(bus, {
      stream: streams.triggers,
      durable: 'trigger-router-events',
      filter: 'event.>',
      schema: CloudEvent,
      handle: (event, { subject }) => inbound.external(event, subject),
    }),
  ]);
  const stopSchedules = startSchedules({
    orm,
    router,
    index,
    clock,
    log,
    tickMs: env.SCHEDULE_TICK_MS,
    graceMs: env.SCHEDULE_MISFIRE_GRACE_MS,
  });
  const stopReleaser = router.startReleaser();
  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('trigger-router: work', async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(consumers.map((c) => c.stop()));
    await stopSchedules();
    await stopFollowing();
    await stopReleaser();
    await stopReconciler();
  });
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'trigger-router', env, db: database, ...shared });
  await startTriggerRouter(runtime, env);
  runtime.ready();
}
