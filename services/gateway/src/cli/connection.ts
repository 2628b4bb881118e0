/**
 * Where the CLI's remote commands find the gateway and their API key: `--url`, then `RISKLOOP_URL`, then the
 * config file's `url`, then http://127.0.0.1:8080; the key from `RISKLOOP_API_KEY`, then the config file's
 * `apiKey`. The config file is `RISKLOOP_CONFIG`, or `~/.config/riskloop/config.json` when present.
 */
import { RiskloopError } from '@riskloop/kit';
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export const defaultUrl = 'http://127.0.0.1:8080';

/** `{ "url": "https://riskloop.example.com", "apiKey": "rlk_..." }` */
export const CliConfig = z.strictObject({
  url: z.url().optional(),
  apiKey: z.string().min(1).optional(),
});
export type CliConfig = z.infer<typeof CliConfig>;

export interface Connection {
  url: string;
  apiKey: string;
}

export interface ConnectionOptions {
  /** `--url`, when given. */
  url?: string | undefined;
  /** The environment to read `RISKLOOP_URL`, `RISKLOOP_API_KEY` and `RISKLOOP_CONFIG` from. */
  env: Record<string, string | undefined>;
  /** Where `~/.config` is (default: the user's home). */
  home?: string;
}

function readConfig(path: string, required: boolean): CliConfig {
  if (!existsSync(path)) {
    if (required) throw RiskloopError.invalid(`RISKLOOP_CONFIG names ${path}, which does not exist`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw RiskloopError.invalid(`${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = CliConfig.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw RiskloopError.invalid(
      `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'} (expected { "url": ..., "apiKey": ... })`,
    );
  }
  return parsed.data;
}

export function resolveConnection(options: ConnectionOptions): Connection {
  const { env } = options;
  const path = env.RISKLOOP_CONFIG || join(options.home ?? homedir(), '.config', 'riskloop', 'config.json');
  const config = readConfig(path, Boolean(env.RISKLOOP_CONFIG));
  const apiKey = env.RISKLOOP_API_KEY || config.apiKey;
  if (!apiKey) {
    throw new RiskloopError(
      'no_api_key',
      `no API key: set RISKLOOP_API_KEY, or put { "apiKey": "rlk_..." } in ${path} ` +
        '(`riskloop tenant create` prints a tenant admin key; POST /api/api-keys makes others)',
      { status: 401 },
    );
  }
  const url = (options.url || env.RISKLOOP_URL || config.url || defaultUrl).replace(/\/+$/, '');
  if (!URL.canParse(url)) throw RiskloopError.invalid(`the gateway URL "${url}" is not a URL`, 'url');
  return { url, apiKey };
}

/** Adds `--url` to a command that talks to the gateway. */
export function remote(command: Command): Command {
  return command.option('--url <url>', `the gateway (default: RISKLOOP_URL, the config file, ${defaultUrl})`);
}
