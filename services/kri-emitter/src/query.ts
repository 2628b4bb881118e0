/**
 * `query` steps over KRI events: the tenant's emitted events in a window, filtered by their columns or by
 * the attributes their `emit_kri` step set, newest first.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { KriEventQuery, QueriedKriEvent } from '@riskloop/contracts';
import type { z } from 'zod';
import { kriEventRecord } from './emitter.ts';

const columns: Record<string, string> = {
  event: 'event',
  kri: 'kri',
  effect: 'effect',
  workflow_id: 'workflow_id',
  run_id: 'run_id',
  step_id: 'step_id',
};

/** `where` conditions and their parameters: one `?` per value (MikroORM inlines arrays). */
function conditions(tenant: string, query: KriEventQuery): { sql: string; params: unknown[] } {
  const parts = ['tenant_id = ?'];
  const params: unknown[] = [tenant];
  if (query.since) {
    parts.push('emitted_at >= ?');
    params.push(new Date(query.since));
  }
  for (const [key, value] of Object.entries(query.filter)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) {
      parts.push('false');
      continue;
    }
    const column = columns[key];
    const marks = values.map(() => '?').join(', ');
    if (column) parts.push(`${column}::text in (${marks})`);
    else {
      parts.push(`attributes ->> ? in (${marks})`);
      params.push(key);
    }
    params.push(...values.map(String));
  }
  return { sql: parts.join(' and '), params };
}

export async function queryKriEvents(
  orm: MikroORM,
  tenant: string,
  query: KriEventQuery,
): Promise<{ count: number; items: z.infer<typeof QueriedKriEvent>[] }> {
  const em = orm.em.fork();
  const where = conditions(tenant, query);
  const [total] = await em.execute<{ n: string }[]>(
    `select count(*) as n from "kri_emitter"."emitted_events" where ${where.sql}`,
    where.params,
  );
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, run_id, workflow_id, step_id, event, kri, effect, amount, definition_id, definition_version,
            attributes, emitted_at
       from "kri_emitter"."emitted_events" where ${where.sql}
      order by emitted_at desc, id limit ?`,
    [...where.params, query.limit],
  );
  return {
    count: Number(total?.n ?? 0),
    items: rows.map((r) => ({
      ...kriEventRecord(r),
      attributes: (r.attributes ?? {}) as Record<string, unknown>,
    })),
  };
}
