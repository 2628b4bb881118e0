/** Start the runner on a booted runtime: the RUNS consumer, the get-run RPC, the outbox reconciler. */
import { serve, startConsumer } from '@riskloop/bus';
import { eventTypes, rpcs, RunnerInbound, streams } from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { startLoop } from '@riskloop/kit';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import type { RunEvent } from './machine.ts';
import { createMachineCache } from './machines.ts';
import { createRunHost } from './run-host.ts';

export interface RunnerOptions {
  concurrency: number;
  ackWaitMs: number;
  /** A running run that has not moved for this long has its pending steps dispatched again. */
  stallMs: number;
}

export async function startRunner(runtime: RuntimeWithDb, options: RunnerOptions): Promise<void> {
  const { orm, bus, log, lifecycle, instanceId } = runtime;
  const outbox = createOutbox({ orm, schema: 'runner', bus, log });
  const host = createRunHost({ orm, outbox, machines: createMachineCache(), instanceId });

  const consumer = await startConsumer(bus, {
    stream: streams.runs,
    durable: 'runner',
    schema: RunnerInbound,
    concurrency: options.concurrency,
    ackWaitMs: options.ackWaitMs,
    handle: async (event) => {
      if (event.type === eventTypes.runStart) return host.start(event);
      if (event.type === eventTypes.runSignal) return; // matched against waiting runs once waits exist
      const result: RunEvent =
        event.type === eventTypes.stepSucceeded
          ? { type: 'step.succeeded', at: event.time, ...event.data }
          : { type: 'step.failed', at: event.time, ...event.data };
      return host.apply(event, result);
    },
  });
  const getRun = serve(bus, rpcs.getRun, (body, { tenant }) => host.getRun(tenant, body.runId));
  const stopReconciler = outbox.startReconciler();
  const stopRedrive = startLoop({
    name: 'stalled-run re-drive',
    everyMs: Math.max(500, Math.min(options.stallMs / 2, 30_000)),
    log,
    task: async () => {
      const count = await host.redriveStalled(options.stallMs);
      if (count > 0) log.warn({ count }, 're-drove stalled runs');
    },
  });
  lifecycle.onShutdown('runner: work', async () => {
    await getRun.stop();
    await consumer.stop();
    await stopRedrive();
    await stopReconciler();
  });
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'runner', env, db: database, ...shared });
  await startRunner(runtime, {
    concurrency: env.RUNNER_CONCURRENCY,
    ackWaitMs: env.RUNNER_ACK_WAIT_MS,
    stallMs: env.RUNNER_STALL_MS,
  });
  runtime.ready();
}
