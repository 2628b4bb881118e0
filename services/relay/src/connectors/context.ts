/** What every connector gets: the command, the tenant's config, guarded HTTP and the retrying caller. */
import type { RelayConfigBody, RunView, StepExec } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { z } from 'zod';
import { resolveAttachments } from '../artifacts/attach.ts';
import type { ArtifactRecord, ArtifactStore } from '../artifacts/store.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import type { Http } from '../net/http.ts';
import type { RelayConfigStore } from '../relay-config.ts';
import type { RemediationActions } from '../remediation/actions.ts';

export interface ConnectorContext {
  tenant: string;
  exec: StepExec;
  config: RelayConfigBody;
  store: RelayConfigStore;
  http: Http;
  policy: AddressPolicy;
  /** One effect on `destination`, retried per the step's policy through the destination's breaker. */
  call<T>(destination: string, effect: () => Promise<T>): Promise<T>;
  /** Effects already made for this delivery (a copy that crashed made them), by name. */
  effects: Readonly<Record<string, unknown>>;
  /** Record an effect as soon as it is made. */
  record(name: string, value: unknown): Promise<void>;
  /** The destination the delivery went to, for its record. */
  usedDestination(name: string): void;
  /** The owner of the run's workflow (`notify: { to: owner }`). */
  owner(): Promise<string | undefined>;
  /** The run as the runner shows it (an approval check). */
  run(): Promise<RunView>;
  /** Run artifacts (documents), and the largest one allowed. */
  artifacts: ArtifactStore;
  artifactMaxBytes: number;
  /** The tenant's registered remediation actions. */
  actions: RemediationActions;
}

export type Connector = (input: Record<string, unknown>, context: ConnectorContext) => Promise<unknown>;

/**
 * `effect` unless a copy that held this delivery before already made it (then its recorded value); the
 * value is recorded as soon as the effect is made, so a takeover after a crash does not repeat it.
 */
export async function once<T>(context: ConnectorContext, name: string, effect: () => Promise<T>): Promise<T> {
  if (name in context.effects) return context.effects[name] as T;
  const value = await effect();
  await context.record(name, value);
  return value;
}

/** The run's artifacts that a step's `attachments` name; fails the step on an unknown or oversized one. */
export function attachmentsOf(
  context: ConnectorContext,
  names: string[] | undefined,
): Promise<ArtifactRecord[]> {
  const { artifacts, tenant, exec, artifactMaxBytes } = context;
  return resolveAttachments(artifacts, tenant, exec.runId, names, artifactMaxBytes);
}

/** A step's input parsed with its schema; a mismatch fails the step at once (retrying cannot help). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RiskloopError(
      'invalid_input',
      `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export const basicAuth = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** A destination URL with `path` appended (the base may or may not end in `/`). */
export const join = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;

/** A credential the connector needs and the destination lacks: fails the step with a clear reason. */
export function need(credentials: Record<string, string>, field: string, destination: string): string {
  const value = credentials[field];
  if (value === undefined) {
    throw new RiskloopError('destination_incomplete', `destination ${destination} has no ${field}`);
  }
  return value;
}
