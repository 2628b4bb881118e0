/**
 * Start the runner on a booted runtime: the RUNS consumer, the `query` step commands, its RPCs, the timer
 * and re-drive loops, the outbox.
 */
import { createTenantCache, request, serve, startConsumer } from '@riskloop/bus';
import {
  eventTypes,
  rpcs,
  runnerRpcs,
  RunnerInbound,
  StepCommand,
  streams,
  subjects,
  triggerRpcs,
  type RunnerInbound as Inbound,
} from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { metrics, onScrape, startLoop } from '@riskloop/kit';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createMachineCache } from './machines.ts';
import { createQueryStep } from './query-step.ts';
import { createRunHost, type RunHost } from './run-host.ts';
import { createRunQueries } from './run-queries.ts';

export interface RunnerOptions {
  concurrency: number;
  ackWaitMs: number;
  /** A dispatched step with no result for this long is dispatched again (same idempotency key). */
  stallMs: number;
  timerPollMs: number;
  maxDeliver: number;
}

/** Route one inbound event to the host. */
function handle(host: RunHost, event: Inbound): Promise<void> {
  switch (event.type) {
    case eventTypes.runStart:
      return host.start(event);
    case eventTypes.runSignal:
      return host.signal(event).then(() => undefined);
    case eventTypes.runTimer:
      return host.apply(event, { type: 'timer.fired', at: event.time, key: event.data.key });
    case eventTypes.stepSucceeded:
      return host.apply(event, { type: 'step.succeeded', at: event.time, ...event.data });
    case eventTypes.stepFailed:
      return host.apply(event, { type: 'step.failed', at: event.time, ...event.data });
  }
}

export async function startRunner(runtime: RuntimeWithDb, options: RunnerOptions): Promise<void> {
  const { orm, bus, log, lifecycle, instanceId } = runtime;
  const outbox = createOutbox({ orm, schema: 'runner', bus, log });
  const kriMappings = createTenantCache({
    bus,
    notices: subjects.kriDefinitionsChangedAll(),
    ttlMs: 30_000,
    load: async (tenant) =>
      (await request(bus, triggerRpcs.listKriDefinitions, tenant, {})).items.some((d) => d.from_result),
  });
  const host = createRunHost({
    orm,
    outbox,
    machines: createMachineCache(),
    instanceId,
    stallMs: options.stallMs,
    mapsResults: (tenant) => kriMappings.get(tenant),
  });
  const queries = createRunQueries(orm);

  const consumer = await startConsumer(bus, {
    stream: streams.runs,
    durable: 'runner',
    schema: RunnerInbound,
    concurrency: options.concurrency,
    ackWaitMs: options.ackWaitMs,
    maxDeliver: options.maxDeliver,
    handle: (event) => handle(host, event),
  });
  const queryStep = createQueryStep({ orm, bus });
  const queryConsumer = await startConsumer(bus, {
    stream: streams.steps,
    durable: 'runner-query',
    filter: subjects.stepExecAll('query'),
    schema: StepCommand,
    handle: (command) => queryStep.handle(command),
  });
  const servers = [
    serve(bus, rpcs.getRun, (body, { tenant }) => queries.getRun(tenant, body.runId)),
    serve(bus, runnerRpcs.cancelRun, (body, { tenant }) =>
      host.cancel(tenant, body.runId, body.actor, body.reason),
    ),
    serve(bus, runnerRpcs.listRuns, (body, { tenant }) => queries.listRuns(tenant, body)),
    serve(bus, runnerRpcs.runHistory, (body, { tenant }) => queries.history(tenant, body.runId, body.after)),
    serve(bus, runnerRpcs.listApprovals, (body, { tenant }) => queries.approvals.list(tenant, body)),
    serve(bus, runnerRpcs.getApproval, (body, { tenant }) => queries.approvals.get(tenant, body.approvalId)),
    serve(bus, runnerRpcs.decideApproval, (body, { tenant }) =>
      host.decide(tenant, body.approvalId, body.caller, body),
    ),
  ];
  const stopRunGauge = onScrape(async () => {
    const rows = await orm.em
      .fork()
      .execute<{ status: string; n: string }[]>(
        `select status, count(*) as n from "runner"."runs" group by status`,
      );
    for (const status of ['running', 'succeeded', 'failed', 'cancelled'])
      metrics.runsByStatus.set(
        { service: 'runner', status },
        Number(rows.find((r) => r.status === status)?.n ?? 0),
      );
  });
  const stopReconciler = outbox.startReconciler();
  const stopTimers = startLoop({
    name: 'durable timers',
    everyMs: options.timerPollMs,
    log,
    task: async () => {
      // Drain: a burst of due timers is sent in batches without waiting for the next tick.
      while ((await host.fireDueTimers()) > 0);
    },
  });
  const stopRedrive = startLoop({
    name: 'stalled-run re-drive',
    everyMs: Math.max(500, Math.min(options.stallMs / 2, 30_000)),
    log,
    task: async () => {
      const count = await host.redriveStalled();
      if (count > 0) log.warn({ count }, 're-drove stalled runs');
    },
  });
  lifecycle.onShutdown('runner: work', async () => {
    stopRunGauge();
    for (const server of servers) await server.stop();
    await consumer.stop();
    await queryConsumer.stop();
    await stopTimers();
    await stopRedrive();
    await stopReconciler();
    kriMappings.stop();
  });
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'runner', env, db: database, ...shared });
  await startRunner(runtime, {
    concurrency: env.RUNNER_CONCURRENCY,
    ackWaitMs: env.RUNNER_ACK_WAIT_MS,
    stallMs: env.RUNNER_STALL_MS,
    timerPollMs: env.RUNNER_TIMER_POLL_MS,
    maxDeliver: env.RUNNER_MAX_DELIVER,
  });
  runtime.ready();
}
