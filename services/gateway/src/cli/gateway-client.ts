/**
 * The CLI's HTTP client for the gateway's API: the API key as a bearer token, JSON in and out, a 429 waited
 * out (`Retry-After`, a few times), and any other error answer turned into a `RiskloopError` that carries
 * the problem+json `detail` (and field errors) for the CLI to print.
 */
import { Problem } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { z } from 'zod';
import { resolveConnection, type Connection } from './connection.ts';

export interface GatewayClientOptions {
  fetch?: typeof fetch;
  /** How often a 429 is waited out before giving up. */
  rateLimitRetries?: number;
}

export interface GatewayCall {
  /** Sent as JSON. */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

export interface GatewayClient {
  readonly url: string;
  /** The JSON answer checked against `schema` (unknown fields are dropped). */
  get<S extends z.ZodType>(path: string, schema: S, call?: GatewayCall): Promise<z.infer<S>>;
  /** The JSON answer as sent. */
  raw(method: string, path: string, call?: GatewayCall): Promise<unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `422 Unprocessable Content: definition invalid` plus one line per field error. */
async function errorOf(method: string, path: string, response: Response): Promise<RiskloopError> {
  const text = await response.text();
  let problem: Problem | undefined;
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON (a proxy's error page): the status and the start of the text say enough.
  }
  const detail = problem?.detail ?? (text.slice(0, 200) || response.statusText);
  const fields = (problem?.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
  return new RiskloopError(
    problem?.code ?? 'http_error',
    `${method} ${path} answered ${response.status}: ${detail}${fields}`,
    {
      status: response.status,
      retryable: response.status >= 500,
      details: problem ? { problem } : undefined,
    },
  );
}

export function createGatewayClient(
  connection: Connection,
  options: GatewayClientOptions = {},
): GatewayClient {
  const fetcher = options.fetch ?? globalThis.fetch;
  const retries = options.rateLimitRetries ?? 5;

  async function raw(method: string, path: string, call: GatewayCall = {}): Promise<unknown> {
    const url = new URL(`${connection.url}${path}`);
    for (const [key, value] of Object.entries(call.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {
      authorization: `Bearer ${connection.apiKey}`,
      accept: 'application/json',
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetcher(url, {
          method,
          headers,
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        });
      } catch (error) {
        throw RiskloopError.unavailable(`cannot reach the gateway at ${connection.url}`, error);
      }
      if (response.status === 429 && attempt < retries) {
        await response.body?.cancel();
        await sleep(Math.min(10, Number(response.headers.get('retry-after')) || 1) * 1000);
        continue;
      }
      if (!response.ok) throw await errorOf(method, path, response);
      const text = await response.text();
      return text ? (JSON.parse(text) as unknown) : undefined;
    }
  }

  return {
    url: connection.url,
    raw,
    async get(path, schema, call) {
      const parsed = schema.safeParse(await raw('GET', path, call));
      if (!parsed.success)
        throw new RiskloopError(
          'unexpected_answer',
          `GET ${path} answered something this CLI does not understand (another version?): ${parsed.error.message}`,
        );
      return parsed.data;
    },
  };
}

/** The client a command uses: its `--url`, the rest from the environment and the config file. */
export const gatewayFor = (url: string | undefined): GatewayClient =>
  createGatewayClient(resolveConnection({ url, env: process.env }));
