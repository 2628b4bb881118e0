/**
 * The generic webhook connector: an HTTP request with a JSON body, retried with exponential backoff and
 * full jitter on network errors, timeouts, 408, 429 and 5xx. Every try carries the same
 * `Idempotency-Key`, so a receiver can drop the repeats that at-least-once delivery can cause.
 */
import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';

/** A webhook step's parameters once every template is rendered. */
export const WebhookRequest = z.object({
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  // A whole-template header value such as `{{ trigger.n }}` renders to its typed value: send it as text.
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  body: z.unknown().optional(),
});
export type WebhookRequest = z.infer<typeof WebhookRequest>;

export interface WebhookCallOptions {
  idempotencyKey: string;
  runId: string;
  timeoutMs: number;
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export interface WebhookResponse {
  status: number;
  body: unknown;
}

export interface CallOutcome<T> {
  ok: boolean;
  tries: number;
  output?: T;
  error?: { code: string; message: string };
}

/** Largest response body kept as the step's output. */
const maxBodyBytes = 64 * 1024;

export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
}

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

export async function callWebhook(
  input: unknown,
  options: WebhookCallOptions,
): Promise<CallOutcome<WebhookResponse>> {
  const parsed = WebhookRequest.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      tries: 0,
      error: { code: 'invalid_input', message: `${issue?.path.join('.')}: ${issue?.message}` },
    };
  }
  const request = parsed.data;
  let tries = 0;
  const once = async (): Promise<WebhookResponse> => {
    tries += 1;
    const response = await fetch(request.url, {
      method: request.method,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'riskloop-relay',
        ...request.headers,
        'idempotency-key': options.idempotencyKey,
        'x-riskloop-run': options.runId,
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'manual',
    });
    const text = (await response.text()).slice(0, maxBodyBytes);
    if (!response.ok) {
      const error = new HttpStatusError(response.status, text);
      throw retryableStatus(response.status) ? error : new AbortError(error);
    }
    return { status: response.status, body: parseBody(text, response.headers.get('content-type')) };
  };
  try {
    const output = await pRetry(once, {
      retries: options.maxAttempts - 1,
      factor: 2,
      minTimeout: options.backoffInitialMs,
      maxTimeout: options.backoffMaxMs,
      randomize: true,
    });
    return { ok: true, tries, output };
  } catch (error) {
    return { ok: false, tries, error: describeFailure(error) };
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function describeFailure(error: unknown): { code: string; message: string } {
  const inner = error instanceof AbortError ? error.originalError : error;
  if (inner instanceof HttpStatusError) return { code: `http_${inner.status}`, message: inner.message };
  if (inner instanceof Error && (inner.name === 'TimeoutError' || inner.name === 'AbortError')) {
    return { code: 'timeout', message: 'the destination did not answer in time' };
  }
  const cause = inner instanceof Error && inner.cause instanceof Error ? `: ${inner.cause.message}` : '';
  return {
    code: 'unreachable',
    message: `${inner instanceof Error ? inner.message : String(inner)}${cause}`,
  };
}
