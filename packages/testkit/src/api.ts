/** Talking to a running gateway the way a user does: a tenant from the CLI, then HTTP with its key. */
import { runScript } from './processes.ts';

export interface ApiAnswer {
  status: number;
  type: string;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON (problem+json included). */
  body: any;
}

export interface ApiCall {
  /** An object is sent as JSON; a string as it is (set `content-type` for YAML). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Another key for this call; `null` sends none. */
  key?: string | null;
}

export type Api = (method: string, path: string, call?: ApiCall) => Promise<ApiAnswer>;

export function apiClient(baseUrl: () => string, key: () => string): Api {
  return async (method, path, call = {}) => {
    const headers = new Headers(call.headers);
    const presented = call.key === undefined ? key() : call.key;
    if (presented !== null) headers.set('authorization', `Bearer ${presented}`);
    if (call.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers,
      ...(call.body === undefined
        ? {}
        : { body: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      type,
      headers: response.headers,
      text,
      body: type.includes('json') && text ? JSON.parse(text) : undefined,
    };
  };
}

/** `npx riskloop tenant create <name> --json` against `env`'s database; returns the admin API key. */
export async function createTenant(env: Record<string, string>, name: string): Promise<string> {
  const result = await runScript(
    'services/gateway/src/cli/main.ts',
    ['tenant', 'create', name, '--json'],
    env,
  );
  if (result.code !== 0) throw new Error(`tenant create failed: ${result.stderr}`);
  const { apiKey } = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { apiKey?: string };
  if (!apiKey?.startsWith('rlk_')) throw new Error(`tenant create printed no key: ${result.stdout}`);
  return apiKey;
}
