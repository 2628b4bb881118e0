/**
 * Start the interview service on a booted runtime: the interview RPC methods (authoring by interview) and
 * the `expert_panel` step consumer, both over the same LLM (guided mode and failed panels without one).
 */
import { serve, startConsumer } from '@riskloop/bus';
import { interviewRpcs, StepCommand, streams, subjects } from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { createDestinationLookup } from './adapters/destinations.ts';
import { createOllamaLlm } from './adapters/ollama.ts';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createInterviews } from './interviews.ts';
import { createPanel } from './panel.ts';
import { createStore } from './store.ts';

export async function startInterview(runtime: RuntimeWithDb, env: Env): Promise<void> {
  const { orm, bus, log, lifecycle } = runtime;
  const llm = env.OLLAMA_HOST
    ? createOllamaLlm({ host: env.OLLAMA_HOST, timeoutMs: env.OLLAMA_TIMEOUT_MS })
    : undefined;
  const store = createStore(orm);
  const interviews = createInterviews({
    store,
    bus,
    destinations: createDestinationLookup(bus),
    llm,
    defaultModel: env.OLLAMA_MODEL,
    maxRepairs: env.INTERVIEW_REPAIR_ATTEMPTS,
  });
  const r = interviewRpcs;
  const servers = [
    serve(bus, r.startInterview, (b, { tenant }) => interviews.start(tenant, b.actor, b)),
    serve(bus, r.sendInterviewMessage, (b, { tenant }) =>
      interviews.message(
        tenant,
        b.interviewId,
        b.text,
        b.streamTo ? (chunk) => bus.nc.publish(b.streamTo ?? '', JSON.stringify(chunk)) : undefined,
      ),
    ),
    serve(bus, r.getInterview, (b, { tenant }) => interviews.get(tenant, b.interviewId)),
    serve(bus, r.confirmInterview, (b, { tenant }) => interviews.confirm(tenant, b.interviewId, b.actor)),
    serve(bus, r.abandonInterview, (b, { tenant }) => interviews.abandon(tenant, b.interviewId)),
    serve(bus, r.getInterviewTranscript, (b, { tenant }) => interviews.transcript(tenant, b.interviewId)),
    serve(bus, r.getInterviewSettings, (_b, { tenant }) => interviews.settings(tenant)),
    serve(bus, r.putInterviewSettings, (b, { tenant }) => interviews.setSettings(tenant, b.actor, b.model)),
  ];

  const outbox = createOutbox({ orm, schema: 'interview', bus, log });
  const panel = createPanel({
    orm,
    bus,
    outbox,
    llm,
    modelFor: async (tenant) => (await store.model(tenant)) ?? env.OLLAMA_MODEL,
    leaseMs: env.PANEL_LEASE_MS,
  });
  const panels = await startConsumer(bus, {
    stream: streams.steps,
    durable: 'interview-expert-panel',
    filter: subjects.stepExecAll('expert_panel'),
    schema: StepCommand,
    concurrency: env.PANEL_CONCURRENCY,
    ackWaitMs: env.PANEL_LEASE_MS,
    handle: (command) => panel.handle(command),
  });
  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('interview: work', async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await panels.stop();
    await stopReconciler();
  });
  log.info({ llm: env.OLLAMA_HOST ? 'ollama' : 'none (guided mode)' }, 'interview configured');
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'interview', env, db: database, ...shared });
  await startInterview(runtime, env);
  runtime.ready();
}
