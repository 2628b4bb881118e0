/**
 * Perform one step command: pick its connector, give it the tenant's config, guarded HTTP and the
 * destination's retrying caller, and turn whatever happens into a `CallOutcome` (never a throw: a failed
 * effect is a failed step, recorded with the destination's error).
 */
import { request, type BusConnection } from '@riskloop/bus';
import { rpcs, type StepCommand } from '@riskloop/contracts';
import { document } from './connectors/document.ts';
import { email } from './connectors/email.ts';
import { jira } from './connectors/jira.ts';
import { notify } from './connectors/notify.ts';
import { pagerduty } from './connectors/pagerduty.ts';
import { remediation } from './connectors/remediation.ts';
import { servicenow } from './connectors/servicenow.ts';
import { slack } from './connectors/slack.ts';
import { teams } from './connectors/teams.ts';
import { webhook } from './connectors/webhook.ts';
import type { Connector, ConnectorContext } from './connectors/context.ts';
import type { ArtifactStore } from './artifacts/store.ts';
import type { CallOutcome, Claim } from './deliveries.ts';
import type { AddressPolicy } from './net/address-policy.ts';
import type { Http } from './net/http.ts';
import { describeFailure, type Resilience } from './net/resilience.ts';
import type { RelayConfigStore } from './relay-config.ts';
import type { RemediationActions } from './remediation/actions.ts';

export const connectors: Record<string, Connector> = {
  webhook,
  slack,
  teams,
  email,
  jira,
  servicenow,
  pagerduty,
  notify,
  document,
  remediation,
};

/** The step kinds the relay consumes. */
export const relayKinds = Object.keys(connectors);

export interface ExecutorOptions {
  store: RelayConfigStore;
  http: Http;
  policy: AddressPolicy;
  resilience: Resilience;
  bus: BusConnection;
  artifacts: ArtifactStore;
  artifactMaxBytes: number;
  actions: RemediationActions;
}

/** The key that bounds concurrency per destination, known before the command is claimed. */
export function slotKey(command: StepCommand): string {
  const { input, kind } = command.data;
  const destination = typeof input.destination === 'string' ? input.destination : undefined;
  if (destination) return `${command.tenantid}:${destination}`;
  if (kind === 'webhook' && typeof input.url === 'string' && URL.canParse(input.url)) {
    return `${command.tenantid}:webhook:${new URL(input.url).host}`;
  }
  return `${command.tenantid}:${kind}`;
}

export function createExecutor(options: ExecutorOptions) {
  const { store, http, policy, resilience, bus, artifacts, artifactMaxBytes, actions } = options;

  return async (command: StepCommand, claim: Claim): Promise<CallOutcome> => {
    const { data, tenantid: tenant } = command;
    const counter = { tries: 0 };
    let destination: string | undefined;
    const connector = connectors[data.kind];
    if (!connector) {
      return {
        ok: false,
        tries: 0,
        error: { code: 'step_kind_unavailable', message: `the relay does not run ${data.kind} steps` },
      };
    }
    // Outside the try: a database that cannot be read is the relay's problem, retried, not the step's.
    const config = await store.current(tenant);
    try {
      const context: ConnectorContext = {
        tenant,
        exec: data,
        config,
        store,
        http,
        policy,
        effects: claim.effects,
        record: (name, value) => claim.record(name, value),
        call: (name, effect) =>
          resilience.attempt(
            `${tenant}:${name}`,
            { maxAttempts: data.maxAttempts, initialMs: data.backoffInitialMs, maxMs: data.backoffMaxMs },
            effect,
            counter,
          ),
        usedDestination: (name) => {
          destination = name;
        },
        artifacts,
        artifactMaxBytes,
        actions,
        run: () => request(bus, rpcs.getRun, tenant, { runId: data.runId }),
        owner: async () => {
          const run = await request(bus, rpcs.getRun, tenant, { runId: data.runId });
          const version = await request(bus, rpcs.getVersion, tenant, {
            workflowId: run.workflowId,
            version: run.workflowVersion,
          });
          return version.definition?.owner;
        },
      };
      const output = await connector(data.input, context);
      return { ok: true, tries: counter.tries, output, ...(destination ? { destination } : {}) };
    } catch (error) {
      return {
        ok: false,
        tries: counter.tries,
        error: describeFailure(error),
        ...(destination ? { destination } : {}),
      };
    }
  };
}
