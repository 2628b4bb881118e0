import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from './connection.ts';

const home = () => mkdtempSync(join(tmpdir(), 'riskloop-cli-'));
const withConfig = (config: unknown) => {
  const dir = home();
  mkdirSync(join(dir, '.config', 'riskloop'), { recursive: true });
  writeFileSync(join(dir, '.config', 'riskloop', 'config.json'), JSON.stringify(config));
  return dir;
};

describe('resolveConnection', () => {
  it('takes the key and URL from the environment, defaulting the URL to the local gateway', () => {
    expect(resolveConnection({ env: { RISKLOOP_API_KEY: 'rlk_a' }, home: home() })).toEqual({
      url: 'http://127.0.0.1:8080',
      apiKey: 'rlk_a',
    });
    expect(
      resolveConnection({
        url: 'http://gw:9000/',
        env: { RISKLOOP_API_KEY: 'rlk_a', RISKLOOP_URL: 'http://other' },
        home: home(),
      }).url,
    ).toBe('http://gw:9000');
  });

  it('falls back to ~/.config/riskloop/config.json, the environment winning', () => {
    const dir = withConfig({ url: 'http://from-file:8080', apiKey: 'rlk_file' });
    expect(resolveConnection({ env: {}, home: dir })).toEqual({
      url: 'http://from-file:8080',
      apiKey: 'rlk_file',
    });
    expect(resolveConnection({ env: { RISKLOOP_API_KEY: 'rlk_env' }, home: dir }).apiKey).toBe('rlk_env');
  });

  it('reads RISKLOOP_CONFIG instead, and says when that file is missing or wrong', () => {
    const file = join(home(), 'c.json');
    writeFileSync(file, JSON.stringify({ apiKey: 'rlk_named' }));
    expect(resolveConnection({ env: { RISKLOOP_CONFIG: file }, home: home() }).apiKey).toBe('rlk_named');
    expect(() => resolveConnection({ env: { RISKLOOP_CONFIG: `${file}.gone` } })).toThrow(/does not exist/);
    writeFileSync(file, JSON.stringify({ apikey: 'typo' }));
    expect(() => resolveConnection({ env: { RISKLOOP_CONFIG: file } })).toThrow(/c\.json/);
  });

  it('refuses to go on without a key, saying where one goes', () => {
    expect(() => resolveConnection({ env: {}, home: home() })).toThrow(/no API key: set RISKLOOP_API_KEY/);
  });
});
