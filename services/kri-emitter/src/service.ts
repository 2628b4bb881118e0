/**
 * KRI emitter process: KRI events that steps emit, published to the risk model. Today it boots, connects to NATS and PostgreSQL,
 * owns its schema and reports ready; its work arrives with its own issue.
 */
import { bootService, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';

export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'kri-emitter', env, db: database, ...shared });
  runtime.ready();
}
