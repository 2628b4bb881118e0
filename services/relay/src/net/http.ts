/**
 * HTTP for every connector, through the SSRF guard: each URL (and each redirect hop, at most 3) is
 * checked, and the connection is made to the checked address (an undici Agent whose `connect.lookup` is
 * the guard's). Non-2xx answers become `HttpStatusError`s that say whether a retry can help and carry the
 * `Retry-After` delay when the destination sent one. Requests go through undici's `request`, not `fetch`:
 * the relay's profile showed fetch's WHATWG streams and request objects as a sixth of its CPU.
 */
import { Agent, FormData, request as undiciRequest, type Dispatcher } from 'undici';
import { RiskloopError } from '@riskloop/kit';
import { TargetRefused, type AddressPolicy } from './address-policy.ts';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /**
   * Sent as is (a string, bytes, a form: `URLSearchParams`, or undici's `FormData` for multipart), or as
   * JSON. A form sets its own content type.
   */
  body?: unknown;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: unknown;
  /** The URL that answered, after redirects. */
  url: string;
}

/** Largest response body read. */
const maxBodyBytes = 256 * 1024;
const maxRedirects = 3;

export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly body: string,
    /** From `Retry-After`, when the answer had one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function createHttp(policy: AddressPolicy) {
  const guarded = new Agent({ connect: { lookup: policy.guardedLookup } });
  const direct = new Agent();

  const once = async (url: string, request: HttpRequest, method: string, body: Body | undefined) => {
    const { allowListed } = await policy.checkUrl(url, undefined, false);
    const dispatcher: Dispatcher = allowListed ? direct : guarded;
    const form = body instanceof URLSearchParams;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('the destination did not answer in time', 'TimeoutError')),
      request.timeoutMs,
    );
    try {
      const answer = await undiciRequest(url, {
        method,
        headers: lowerCased({
          ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' } : {}),
          'user-agent': 'riskloop-relay',
          ...request.headers,
        }),
        body: form ? body.toString() : (body ?? null),
        signal: timeout.signal,
        dispatcher,
      });
      const headers = headersOf(answer.headers);
      const location = answer.statusCode >= 300 && answer.statusCode < 400 ? headers.get('location') : null;
      // a redirect's body is not read: the next hop's answer is the one returned
      const text = location ? '' : await readLimited(answer.body);
      if (location) await answer.body.dump();
      return { status: answer.statusCode, headers, text, location };
    } catch (error) {
      // a lookup refused by the guard may come wrapped, with the refusal as the cause
      if (error instanceof Error && error.cause instanceof TargetRefused) throw error.cause;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    /** One request, following up to 3 redirects (each re-checked); any status is returned. */
    async send(request: HttpRequest): Promise<HttpAnswer> {
      let url = request.url;
      let method: string = request.method ?? (request.body === undefined ? 'GET' : 'POST');
      let body = bodyOf(request.body);
      for (let hop = 0; ; hop += 1) {
        const response = await once(url, request, method, body);
        const { location } = response;
        if (location) {
          if (hop >= maxRedirects) {
            throw new RiskloopError(
              'too_many_redirects',
              `more than ${maxRedirects} redirects from ${request.url}`,
            );
          }
          url = new URL(location, url).toString();
          // 307 and 308 repeat the request; the others turn it into a GET without a body (as browsers do).
          if (response.status !== 307 && response.status !== 308) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        const { status, headers, text } = response;
        return { status, headers, text, body: parseBody(text), url };
      }
    },

    async close(): Promise<void> {
      await Promise.all([guarded.close(), direct.close()]);
    },
  };
}

export type Http = ReturnType<typeof createHttp>;

type Body = string | Uint8Array | URLSearchParams | FormData;

function bodyOf(value: unknown): Body | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value === 'string' ||
    value instanceof Uint8Array ||
    value instanceof URLSearchParams ||
    value instanceof FormData
  ) {
    return value;
  }
  return JSON.stringify(value);
}

/** Throw an `HttpStatusError` unless the answer is 2xx. */
export function expectOk(answer: HttpAnswer): HttpAnswer {
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw new HttpStatusError(answer.status, answer.text, parseRetryAfter(answer.headers.get('retry-after')));
}

/** The body as text, at most `maxBodyBytes` of it (the rest is not read). */
async function readLimited(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= maxBodyBytes) break;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, maxBodyBytes);
}

/** Header names lower-cased, a later one replacing an earlier one of the same name in another case. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
