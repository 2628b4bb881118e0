/**
 * KRI emitter process: executes `emit_kri` steps (KRI events that workflows emit) and maps step results
 * (definitions with `from_result`), applies the tenant's KRI event definitions, publishes `kri.update`
 * events to the risk model, and records each for audit.
 */
import { createTenantCache, request, serve, startConsumer } from '@riskloop/bus';
import {
  cloudEventOf,
  queryRpcs,
  StepCommand,
  StepResult,
  streams,
  subjects,
  triggerRpcs,
} from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import { createEmitter } from './emitter.ts';
import type { Env } from './env.ts';
import { queryKriEvents } from './query.ts';
import { createResultMapper } from './results.ts';

const StepResultEvent = cloudEventOf(StepResult);

export async function startKriEmitter(runtime: RuntimeWithDb): Promise<void> {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'kri_emitter', bus, log });
  const definitions = createTenantCache({
    bus,
    notices: subjects.kriDefinitionsChangedAll(),
    ttlMs: 30_000,
    load: async (tenant) => (await request(bus, triggerRpcs.listKriDefinitions, tenant, {})).items,
  });
  const emitter = createEmitter({
    orm,
    bus,
    outbox,
    definitionsFor: async (tenant, event) =>
      (await definitions.get(tenant)).filter((d) => d.event === event && !d.from_result),
  });
  const mapper = createResultMapper({
    orm,
    outbox,
    log,
    mappingsOf: async (tenant) => (await definitions.get(tenant)).filter((d) => d.from_result),
  });
  const consumer = await startConsumer(bus, {
    stream: streams.steps,
    durable: 'kri-emitter-emit-kri',
    filter: subjects.stepExecAll('emit_kri'),
    schema: StepCommand,
    handle: (command) => emitter.handle(command),
  });
  const results = await startConsumer(bus, {
    stream: streams.steps,
    durable: 'kri-emitter-results',
    filter: subjects.stepResultAll(),
    schema: StepResultEvent,
    handle: (event) => mapper.handle(event),
  });
  const servers = [
    serve(bus, triggerRpcs.listRunKriEvents, (b, { tenant }) => emitter.runEvents(tenant, b.runId)),
    serve(bus, queryRpcs.kriEvents, (b, { tenant }) => queryKriEvents(orm, tenant, b)),
  ];
  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('kri-emitter: work', async () => {
    for (const server of servers) await server.stop();
    await consumer.stop();
    await results.stop();
    definitions.stop();
    await stopReconciler();
  });
}

export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'kri-emitter', env, db: database, ...shared });
  await startKriEmitter(runtime);
  runtime.ready();
}
