/** Start the relay on a booted runtime: one consumer per step kind it executes, and its RPC methods. */
import { serve, startConsumer, type RpcServer } from '@riskloop/bus';
import {
  artifactRpcs,
  relayRpcs,
  remediationRpcs,
  StepCommand,
  streams,
  subjects,
} from '@riskloop/contracts';
import { createKeyring, parseMasterKeys } from '@riskloop/crypto';
import { createOutbox, pgDataKeyStore } from '@riskloop/db';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { fsArtifactStore } from './artifacts/fs-store.ts';
import { s3ArtifactStore } from './artifacts/s3-store.ts';
import { pgArtifactStore, type ArtifactStore } from './artifacts/store.ts';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createDeliveries } from './deliveries.ts';
import { testDestination } from './destination-test.ts';
import { createExecutor, relayKinds, slotKey, type ExecutorOptions } from './execute.ts';
import { createAddressPolicy } from './net/address-policy.ts';
import { createHttp } from './net/http.ts';
import { createResilience } from './net/resilience.ts';
import { createRelayConfigStore } from './relay-config.ts';
import { createRemediationActions } from './remediation/actions.ts';
import { RiskloopError } from '@riskloop/kit';

export async function startRelay(runtime: RuntimeWithDb, env: Env): Promise<void> {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'relay', bus, log });
  const deliveries = createDeliveries({ orm, bus, outbox, leaseMs: env.RELAY_LEASE_MS });
  const keyring = createKeyring(parseMasterKeys(env.RISKLOOP_MASTER_KEYS), pgDataKeyStore(orm, 'relay'));
  const policy = createAddressPolicy({
    allowTargets: env.RELAY_ALLOW_TARGETS,
    allowHttp: env.RELAY_ALLOW_HTTP,
  });
  const http = createHttp(policy);
  const resilience = createResilience({
    destinationConcurrency: env.RELAY_DESTINATION_CONCURRENCY,
    maxRetryAfterMs: env.RELAY_MAX_RETRY_AFTER_MS,
    breakerThreshold: env.RELAY_BREAKER_THRESHOLD,
    breakerHalfOpenMs: env.RELAY_BREAKER_HALF_OPEN_MS,
  });
  const store = createRelayConfigStore({ orm, keyring, policy, bus });
  const artifacts = artifactStore(env, orm);
  const actions = createRemediationActions(orm, store);
  const executorOptions: ExecutorOptions = {
    store,
    http,
    policy,
    resilience,
    bus,
    artifacts,
    artifactMaxBytes: env.RELAY_ARTIFACT_MAX_BYTES,
    actions,
  };
  const perform = createExecutor(executorOptions);

  const consumers = await Promise.all(
    relayKinds.map((kind) =>
      startConsumer(bus, {
        stream: streams.steps,
        durable: `relay-${kind}`,
        filter: subjects.stepExecAll(kind),
        schema: StepCommand,
        concurrency: env.RELAY_CONCURRENCY,
        ackWaitMs: env.RELAY_ACK_WAIT_MS,
        // A busy destination hands commands back to wait: give them room before they are dead-lettered.
        maxDeliver: 30,
        handle: (command) => resilience.withSlot(slotKey(command), () => deliveries.handle(command, perform)),
      }),
    ),
  );

  const servers: RpcServer[] = [
    serve(bus, relayRpcs.getRelayConfig, (_body, { tenant }) => store.view(tenant)),
    serve(bus, relayRpcs.putRelayConfig, (body, { tenant }) =>
      store.save(tenant, body.config, body.actor, body.expectedVersion),
    ),
    serve(bus, relayRpcs.testDestination, (body, { tenant }) =>
      testDestination(executorOptions, tenant, body.name),
    ),
    serve(bus, relayRpcs.listDestinations, async (_body, { tenant }) => {
      const config = await store.current(tenant);
      return { items: Object.entries(config.destinations).map(([name, d]) => ({ name, type: d.type })) };
    }),
    serve(bus, relayRpcs.listDeliveries, async (body, { tenant }) => ({
      items: await deliveries.list(tenant, body.runId),
    })),
    serve(bus, relayRpcs.rotateKeys, () => keyring.rotate()),
    serve(bus, artifactRpcs.listArtifacts, async (b, { tenant }) => ({
      items: await artifacts.list(tenant, b.runId),
    })),
    serve(bus, artifactRpcs.getArtifact, async (b, { tenant }) => {
      const found = await artifacts.get(tenant, b.runId, b.name);
      if (!found) throw RiskloopError.notFound('artifact', b.name);
      const { content, ...view } = found;
      return { ...view, content: content.toString('base64') };
    }),
    serve(bus, remediationRpcs.putRemediationAction, (b, { tenant }) =>
      actions.put(tenant, b.name, b.body, b.actor),
    ),
    serve(bus, remediationRpcs.getRemediationAction, (b, { tenant }) => actions.get(tenant, b.name)),
    serve(bus, remediationRpcs.listRemediationActions, async (_b, { tenant }) => ({
      items: await actions.list(tenant),
    })),
    serve(bus, remediationRpcs.deleteRemediationAction, async (b, { tenant }) => ({
      deleted: await actions.remove(tenant, b.name),
    })),
    serve(bus, remediationRpcs.checkRemediationActions, async (b, { tenant }) => ({
      items: await actions.check(tenant, b.names),
    })),
  ];

  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('relay: work', async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(consumers.map((c) => c.stop()));
    await stopReconciler();
    store.stop();
    await http.close();
  });
}

/** The artifact store `RELAY_ARTIFACT_STORE` names. */
function artifactStore(env: Env, orm: RuntimeWithDb['orm']): ArtifactStore {
  switch (env.RELAY_ARTIFACT_STORE) {
    case 'filesystem':
      return fsArtifactStore(env.RELAY_ARTIFACT_DIR);
    case 's3':
      return s3ArtifactStore({
        // The env schema refuses `s3` without a bucket.
        bucket: env.RELAY_S3_BUCKET ?? '',
        region: env.RELAY_S3_REGION,
        endpoint: env.RELAY_S3_ENDPOINT,
        forcePathStyle: env.RELAY_S3_FORCE_PATH_STYLE,
        prefix: env.RELAY_S3_PREFIX,
        credentials:
          env.RELAY_S3_ACCESS_KEY_ID && env.RELAY_S3_SECRET_ACCESS_KEY
            ? { accessKeyId: env.RELAY_S3_ACCESS_KEY_ID, secretAccessKey: env.RELAY_S3_SECRET_ACCESS_KEY }
            : undefined,
      });
    case 'postgres':
      return pgArtifactStore(orm);
  }
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'relay', env, db: database, ...shared });
  await startRelay(runtime, env);
  runtime.ready();
}
