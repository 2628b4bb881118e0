/**
 * The base of every SaaS fake: a real HTTP server on 127.0.0.1 (port 0) that routes requests, checks the
 * auth header and the body shape the way the real API does (401 / 400 when they are wrong), records what
 * it accepted, and can be told to misbehave on the next requests: 429 with `Retry-After`, 500, hang (never
 * answer), or reset (drop the connection).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The request target as sent (path and query, still percent-encoded): what a signature covers. */
  target: string;
  body: string;
  /** The body's bytes (uploads). */
  raw: Buffer;
  json: any;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeRoute {
  method: string;
  /** Matched against the path without the query; groups become `params`. */
  path: RegExp;
  /** The expected `authorization` header (401 otherwise). */
  auth?: () => string;
  /** Undefined when the body is acceptable; else the reason (400). */
  check?: (request: FakeRequest) => string | undefined;
  reply: (request: FakeRequest, params: string[]) => FakeReply;
}

export type Misbehaviour =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface FakeServer {
  url: string;
  /** Every request that reached the server, accepted or not. */
  requests: FakeRequest[];
  /** The next requests get these, in order, instead of their normal answer. */
  misbehave(...next: Misbehaviour[]): void;
  close(): Promise<void>;
}

export async function startFakeServer(routes: FakeRoute[]): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const queue: Misbehaviour[] = [];
  const send = (res: ServerResponse, reply: FakeReply) => {
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': Buffer.isBuffer(reply.body)
        ? 'application/octet-stream'
        : typeof reply.body === 'string'
          ? 'text/plain'
          : 'application/json',
      ...reply.headers,
    });
    res.end(text);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const request: FakeRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        target: req.url ?? '/',
        body,
        raw,
        json,
      };
      requests.push(request);
      const trouble = queue.shift();
      if (trouble?.kind === 'hang') return;
      if (trouble?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (trouble?.kind === 'status') {
        send(res, {
          status: trouble.status,
          body: trouble.body ?? { error: `fake ${trouble.status}` },
          headers: trouble.retryAfter === undefined ? {} : { 'retry-after': trouble.retryAfter },
        });
        return;
      }
      for (const route of routes) {
        const match = route.path.exec(url.pathname);
        if (route.method !== request.method || !match) continue;
        if (route.auth && req.headers.authorization !== route.auth()) {
          send(res, { status: 401, body: { error: 'not_authed' } });
          return;
        }
        const problem = route.check?.(request);
        if (problem) {
          send(res, { status: 400, body: { error: problem } });
          return;
        }
        send(res, route.reply(request, match.slice(1)));
        return;
      }
      send(res, { status: 404, body: { error: `no route for ${request.method} ${url.pathname}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    misbehave: (...next) => queue.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `Basic base64(user:secret)`. */
export const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** A reason unless `value` is a non-empty string. */
export const needString = (value: unknown, what: string) =>
  typeof value === 'string' && value.length > 0 ? undefined : `${what} is required`;

/** The parts of a multipart/form-data body: field name, file name, content type and bytes. */
export function parseMultipart(
  request: FakeRequest,
): { name: string; filename?: string; contentType?: string; content: Buffer }[] | undefined {
  const match = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(
    String(request.headers['content-type']),
  );
  if (!match) return undefined;
  const delimiter = Buffer.from(`\r\n--${match[1] ?? match[2] ?? ''}`);
  // A leading CRLF makes the first delimiter look like every other one.
  const body = Buffer.concat([Buffer.from('\r\n'), request.raw]);
  const parts = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headersEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headersEnd);
    if (headersEnd < 0 || next < 0) return undefined;
    const head = body.subarray(start + 2, headersEnd).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1];
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
      ...(filename === undefined ? {} : { filename }),
      ...(contentType === undefined ? {} : { contentType }),
      content: body.subarray(headersEnd + 4, next),
    });
    at = next;
  }
  return parts;
}
