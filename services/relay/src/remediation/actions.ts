/**
 * The tenant's registered remediation actions (`relay.remediation_actions`). Saving one checks its input
 * and output schemas compile and that it names a `webhook` destination of the relay config: an action is
 * only ever an HTTPS call through the relay, never a command.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  RemediationActionBody,
  RemediationActionName,
  type RemediationActionView,
} from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { RelayConfigStore } from '../relay-config.ts';
import { validatorOf } from './schemas.ts';

interface Row {
  name: string;
  document: RemediationActionBody;
  version: number;
  updated_by: string;
  updated_at: Date;
}

const toView = (row: Row): RemediationActionView => ({
  ...row.document,
  name: row.name,
  version: row.version,
  updatedBy: row.updated_by,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export function createRemediationActions(orm: MikroORM, relayConfig: RelayConfigStore) {
  const rows = (sql: string, params: unknown[]) => orm.em.fork().execute<Row[]>(sql, params);

  const actions = {
    async put(tenant: string, name: string, input: unknown, actor: string): Promise<RemediationActionView> {
      if (!RemediationActionName.safeParse(name).success) {
        throw RiskloopError.invalid('a remediation action name is lower_snake_case', 'name');
      }
      const parsed = RemediationActionBody.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue?.path.join('.') ?? '';
        throw RiskloopError.invalid(`${path || 'body'}: ${issue?.message ?? 'invalid'}`, path);
      }
      const body = parsed.data;
      validatorOf(body.input_schema, 'input_schema');
      if (body.output_schema) validatorOf(body.output_schema, 'output_schema');
      const config = await relayConfig.current(tenant);
      const destination = config.destinations[body.destination];
      if (destination?.type !== 'webhook') {
        throw RiskloopError.invalid(
          destination
            ? `destination ${body.destination} is ${destination.type}; a remediation action needs a webhook destination`
            : `the relay config has no destination ${body.destination} (PUT /api/relay-config)`,
          'destination',
        );
      }
      if (!destination.settings.url) {
        throw RiskloopError.invalid(`destination ${body.destination} has no url`, 'destination');
      }
      const [row] = await rows(
        `insert into "relay"."remediation_actions" (tenant_id, name, document, version, updated_by, updated_at)
         values (?, ?, ?::jsonb, 1, ?, now())
         on conflict (tenant_id, name) do update set document = excluded.document,
           version = "remediation_actions".version + 1, updated_by = excluded.updated_by, updated_at = now()
         returning name, document, version, updated_by, updated_at`,
        [tenant, name, JSON.stringify(body), actor],
      );
      return toView(row!);
    },

    async find(tenant: string, name: string): Promise<RemediationActionView | undefined> {
      const [row] = await rows(
        `select name, document, version, updated_by, updated_at from "relay"."remediation_actions"
         where tenant_id = ? and name = ?`,
        [tenant, name],
      );
      return row ? toView(row) : undefined;
    },

    async get(tenant: string, name: string): Promise<RemediationActionView> {
      const found = await actions.find(tenant, name);
      if (!found) throw RiskloopError.notFound('remediation action', name);
      return found;
    },

    async list(tenant: string): Promise<RemediationActionView[]> {
      const found = await rows(
        `select name, document, version, updated_by, updated_at from "relay"."remediation_actions"
         where tenant_id = ? order by name`,
        [tenant],
      );
      return found.map(toView);
    },

    async remove(tenant: string, name: string): Promise<boolean> {
      const deleted = await orm.em
        .fork()
        .execute<{ name: string }[]>(
          `delete from "relay"."remediation_actions" where tenant_id = ? and name = ? returning name`,
          [tenant, name],
        );
      return deleted.length > 0;
    },

    /** The registered ones among `names`, with whether each needs an approval. */
    async check(tenant: string, names: string[]) {
      if (names.length === 0) return [];
      const found = await rows(
        `select name, document, version, updated_by, updated_at from "relay"."remediation_actions"
         where tenant_id = ? and name in (${names.map(() => '?').join(', ')})`,
        [tenant, ...names],
      );
      return found.map((r) => ({ name: r.name, requiresApproval: r.document.requires_approval }));
    },
  };
  return actions;
}

export type RemediationActions = ReturnType<typeof createRemediationActions>;
