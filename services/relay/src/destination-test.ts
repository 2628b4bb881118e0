/**
 * `POST /api/relay-config/destinations/:name/test`: one harmless call that proves the settings and
 * credentials work. Slack posts a test message to the default channel (or calls `auth.test` without
 * one); Teams and signed webhooks get a test message; Jira reads `myself`; ServiceNow reads one record;
 * PagerDuty sends a change event (which pages no one); email connects and authenticates without sending.
 */
import type { DestinationTestResult, DestinationType, StepExec } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { basicAuth, join, need, type ConnectorContext } from './connectors/context.ts';
import { postSlack } from './connectors/slack.ts';
import { postTeams } from './connectors/teams.ts';
import { sendWebhook } from './connectors/webhook.ts';
import type { ExecutorOptions } from './execute.ts';
import { expectOk } from './net/http.ts';
import { describeFailure } from './net/resilience.ts';
import type { OpenDestination } from './relay-config.ts';

const testText = 'riskloop: a test message from the relay config; nothing to do.';

export async function testDestination(
  options: ExecutorOptions,
  tenant: string,
  name: string,
): Promise<DestinationTestResult> {
  const started = performance.now();
  const config = await options.store.current(tenant);
  const type: DestinationType | undefined = config.destinations[name]?.type;
  if (!type) throw RiskloopError.notFound('destination', name);
  const exec: StepExec = {
    runId: randomUUID(),
    workflowId: randomUUID(),
    stepId: 'destination_test',
    kind: type,
    attempt: 1,
    idempotencyKey: `${tenant}:test:${name}:${randomUUID()}`,
    input: {},
    timeoutMs: 10_000,
    maxAttempts: 1,
    backoffInitialMs: 0,
    backoffMaxMs: 0,
  };
  const context: ConnectorContext = {
    tenant,
    exec,
    config,
    store: options.store,
    http: options.http,
    policy: options.policy,
    effects: {},
    record: () => Promise.resolve(),
    call: (_name, effect) => effect(),
    usedDestination: () => undefined,
    owner: () => Promise.resolve(undefined),
    run: () => Promise.reject(new Error('a destination test has no run')),
    artifacts: options.artifacts,
    artifactMaxBytes: options.artifactMaxBytes,
    actions: options.actions,
  };
  const base = { destination: name, type };
  try {
    const destination = (await options.store.open(tenant, config, type, name))!;
    const output = await probe(destination, context);
    return { ...base, ok: true, output, latencyMs: performance.now() - started };
  } catch (error) {
    return { ...base, ok: false, error: describeFailure(error), latencyMs: performance.now() - started };
  }
}

async function probe(destination: OpenDestination, context: ConnectorContext): Promise<unknown> {
  const { config, credentials } = destination;
  const get = async (url: string, authorization: string) =>
    expectOk(
      await context.http.send({
        url,
        headers: { authorization, accept: 'application/json' },
        timeoutMs: 10_000,
      }),
    ).status;
  switch (config.type) {
    case 'slack':
      if (credentials.token && !config.settings.default_channel) {
        const answer = expectOk(
          await context.http.send({
            url: join(config.settings.api_url, 'auth.test'),
            method: 'POST',
            headers: { authorization: `Bearer ${credentials.token}` },
            timeoutMs: 10_000,
          }),
        );
        const body = answer.body as { ok?: boolean; error?: string; team?: string };
        if (body.ok !== true) throw new Error(`Slack refused the token: ${body.error ?? 'unknown_error'}`);
        return { team: body.team ?? null };
      }
      return postSlack(destination, { text: testText }, context);
    case 'teams':
      return postTeams(destination, { title: 'riskloop', text: testText }, context);
    case 'webhook': {
      const url = config.settings.url;
      if (!url) throw new Error(`destination ${destination.name} has no url to test`);
      return sendWebhook(
        { url, method: 'POST', body: { type: 'riskloop.test', text: testText } },
        destination,
        context,
        destination.name,
      );
    }
    case 'jira': {
      const token = need(credentials, 'api_token', destination.name);
      const auth = config.settings.email ? basicAuth(config.settings.email, token) : `Bearer ${token}`;
      return { status: await get(join(config.settings.base_url, 'rest/api/3/myself'), auth) };
    }
    case 'servicenow': {
      const auth = basicAuth(config.settings.username, need(credentials, 'password', destination.name));
      return {
        status: await get(join(config.settings.instance_url, 'api/now/table/incident?sysparm_limit=1'), auth),
      };
    }
    case 'pagerduty': {
      const answer = expectOk(
        await context.http.send({
          url: join(config.settings.events_url, 'change/enqueue'),
          method: 'POST',
          body: {
            routing_key: need(credentials, 'routing_key', destination.name),
            payload: { summary: testText, source: 'riskloop' },
          },
          timeoutMs: 10_000,
        }),
      );
      return { status: answer.status };
    }
    case 'email': {
      const settings = config.settings;
      const target = await context.policy.checkHost(settings.host, settings.port);
      const transport = createTransport({
        host: target.address,
        port: settings.port,
        secure: settings.secure,
        requireTLS: !settings.secure && !settings.allow_plaintext,
        ignoreTLS: settings.allow_plaintext && !settings.secure,
        tls: { servername: settings.host },
        ...(settings.username && credentials.password
          ? { auth: { user: settings.username, pass: credentials.password } }
          : {}),
        connectionTimeout: 10_000,
      });
      try {
        return { verified: await transport.verify() };
      } finally {
        transport.close();
      }
    }
  }
}
