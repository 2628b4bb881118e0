/**
 * One autocommit statement straight on a pooled connection: what `em.execute` does (the same SQL text,
 * parameters inlined by the ORM's own `formatQuery`, the same pool, so the connection is set to the
 * current tenant by row-security.ts), without the ORM's and knex's query objects, hooks and logging around
 * it. The bench profile put those layers at a tenth to a sixth of each busy service's CPU; the hot paths
 * (a run's transition, a delivery's claim and completion, a breach's acceptance) use this. Errors are the
 * driver's, not the ORM's exception classes. Not for statements inside `transactional`: use the
 * transaction's `em.execute`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

interface PooledConnection {
  query(config: { text: string }, callback: (error: Error | null, result: unknown) => void): unknown;
}

interface KnexClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
}

export async function execute<T>(orm: MikroORM, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const text = orm.em.getPlatform().formatQuery(sql, params as unknown[]);
  const client = orm.em.getConnection().getKnex().client as KnexClient;
  const connection = await client.acquireConnection();
  try {
    const result = await new Promise<unknown>((resolve, reject) => {
      connection.query({ text }, (error, answer) => (error ? reject(error) : resolve(answer)));
    });
    return (result as { rows: T[] }).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
