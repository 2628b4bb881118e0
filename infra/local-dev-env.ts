/**
 * Defaults `npm start` fills in for a laptop, never for production: a master key for stored secrets
 * (generated once into `.riskloop/master-keys`, which git ignores, so secrets survive restarts), and
 * the SSRF allow-list entry plus http for `npm run sink` on 127.0.0.1:9999. A value set in the
 * environment always wins.
 */
import { generateMasterKey } from '@riskloop/crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const keyFile = '.riskloop/master-keys';

export function applyLocalDevEnv(env: NodeJS.ProcessEnv): string[] {
  const notes: string[] = [];
  if (!env.RISKLOOP_MASTER_KEYS) {
    if (!existsSync(keyFile)) {
      mkdirSync('.riskloop', { recursive: true });
      writeFileSync(keyFile, `${generateMasterKey('v1')}\n`, { mode: 0o600 });
      notes.push(`generated a local master key in ${keyFile} (production sets RISKLOOP_MASTER_KEYS)`);
    }
    env.RISKLOOP_MASTER_KEYS = readFileSync(keyFile, 'utf8').trim();
  }
  if (env.RELAY_ALLOW_TARGETS === undefined) {
    env.RELAY_ALLOW_TARGETS = `127.0.0.1:${env.SINK_PORT ?? '9999'}`;
    notes.push(`the relay may call ${env.RELAY_ALLOW_TARGETS} (npm run sink)`);
  }
  return notes;
}
