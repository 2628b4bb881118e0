/**
 * The CLI loads the database and NATS libraries only for the commands that use them: a command that talks
 * to the API over HTTP starts without them (they were most of its ~2 s start-up).
 */
import { repoRoot, runScript } from '@riskloop/testkit';
import { describe, expect, it } from 'vitest';

const preload = `${repoRoot}test/fixtures/loaded-libraries.ts`;

async function loadedBy(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const result = await runScript('services/gateway/src/cli/main.ts', args, {
    // tsx first: NODE_OPTIONS' preloads run before the command line's
    NODE_OPTIONS: `--import tsx --import ${preload}`,
    ...env,
  });
  const line = /loaded-libraries: (.*)$/m.exec(result.stderr)?.[1];
  expect(line, result.stderr).toBeDefined();
  return JSON.parse(line as string) as string[];
}

describe('riskloop CLI start-up', () => {
  it('loads no database or NATS library for the HTTP commands', async () => {
    expect(await loadedBy(['run', 'show', '--help'])).toEqual([]);
    expect(await loadedBy(['workflow', 'history', '--help'])).toEqual([]);
    expect(await loadedBy(['--help'])).toEqual([]);
  });

  it('loads the database libraries when a command needs them', async () => {
    // the command stops at its environment check, after loading what it needs
    const loaded = await loadedBy(['audit', 'verify'], { DATABASE_URL: 'not a url' });
    expect(loaded).toEqual(expect.arrayContaining(['pg', '@mikro-orm/core']));
  });
});
