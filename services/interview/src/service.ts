/**
 * Interview process: authoring workflows in a conversation with an LLM. Today it boots, connects to NATS and PostgreSQL,
 * owns its schema and reports ready; its work arrives with its own issue.
 */
import { bootService, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';

export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'interview', env, db: database, ...shared });
  runtime.ready();
}
