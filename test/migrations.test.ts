/**
 * Each service's entities and its migrations describe the same schema: a fresh database migrated from the
 * migrations has nothing left for MikroORM's diff to add. Guards against an entity changed without a
 * migration (or the reverse).
 */
import { runScript, serverUrl } from '@riskloop/testkit';
import { expect, it } from 'vitest';

const servicesWithTables = [
  'gateway',
  'registry',
  'runner',
  'relay',
  'trigger-router',
  'interview',
  'kri-emitter',
];

it.concurrent.each(servicesWithTables)('%s: entities and migrations agree', async (service) => {
  const result = await runScript('infra/migration-create.ts', [service, '--check'], {
    DATABASE_URL: serverUrl(),
  });
  expect(result.stdout + result.stderr).toContain('No changes required');
  expect(result.code).toBe(0);
});
