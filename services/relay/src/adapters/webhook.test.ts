import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { callWebhook, type WebhookCallOptions } from './webhook.ts';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

type Responder = (request: Received, response: ServerResponse) => void;

/** A receiver on 127.0.0.1 that answers each request with the next responder in line. */
let server: Server;
let base: string;
let received: Received[];
let responders: Responder[];

const json =
  (status: number, body: unknown): Responder =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      const respond = responders.shift() ?? json(500, { error: 'no responder queued' });
      respond(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  received = [];
  responders = [];
});

const options = (overrides: Partial<WebhookCallOptions> = {}): WebhookCallOptions => ({
  idempotencyKey: 'acme:run-1:notify:1',
  runId: 'run-1',
  timeoutMs: 2_000,
  maxAttempts: 3,
  backoffInitialMs: 1,
  backoffMaxMs: 1,
  ...overrides,
});

describe('callWebhook', () => {
  test('a 200 JSON answer is ok with the parsed body after one try', async () => {
    responders.push(json(200, { id: 'RISK-7', accepted: true }));

    const outcome = await callWebhook(
      {
        url: `${base}/hooks/in?x=1`,
        headers: { 'x-team': 'risk', 'idempotency-key': 'caller-tried-to-override' },
        body: { text: 'hello', n: 21 },
      },
      options(),
    );

    expect(outcome).toEqual({
      ok: true,
      tries: 1,
      output: { status: 200, body: { id: 'RISK-7', accepted: true } },
    });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/hooks/in?x=1');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'acme:run-1:notify:1',
      'x-riskloop-run': 'run-1',
      'x-team': 'risk',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ text: 'hello', n: 21 });
  });

  test('uses the requested method, sends no body when there is none, and keeps a text answer as text', async () => {
    responders.push((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('thanks');
    });

    const outcome = await callWebhook({ url: `${base}/put`, method: 'PUT' }, options());

    expect(outcome).toEqual({ ok: true, tries: 1, output: { status: 200, body: 'thanks' } });
    expect(received[0]?.method).toBe('PUT');
    expect(received[0]?.body).toBe('');
  });

  test('a 500 then a 200 is ok after two tries with the same idempotency key', async () => {
    responders.push(json(500, { error: 'busy' }), json(200, { ok: true }));

    const outcome = await callWebhook({ url: `${base}/flaky`, body: {} }, options());

    expect(outcome).toEqual({ ok: true, tries: 2, output: { status: 200, body: { ok: true } } });
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([
      'acme:run-1:notify:1',
      'acme:run-1:notify:1',
    ]);
  });

  test('a 429 is retried until the attempts run out', async () => {
    responders.push(json(429, {}), json(429, {}), json(429, { still: 'busy' }));

    const outcome = await callWebhook({ url: `${base}/limited` }, options({ maxAttempts: 3 }));

    expect(outcome.ok).toBe(false);
    expect(outcome.tries).toBe(3);
    expect(outcome.error?.code).toBe('http_429');
    expect(received).toHaveLength(3);
  });

  test('a 400 fails at once without retrying', async () => {
    responders.push(json(400, { error: 'bad payload' }), json(200, {}));

    const outcome = await callWebhook({ url: `${base}/strict`, body: { bad: true } }, options());

    expect(outcome.ok).toBe(false);
    expect(outcome.tries).toBe(1);
    expect(outcome.error?.code).toBe('http_400');
    expect(outcome.error?.message).toContain('bad payload');
    expect(received).toHaveLength(1);
  });

  test('a redirect is not followed and fails as its status', async () => {
    responders.push((_request, response) => {
      response.writeHead(302, { location: `${base}/elsewhere` });
      response.end();
    });

    const outcome = await callWebhook({ url: `${base}/moved` }, options());

    expect(outcome).toMatchObject({ ok: false, tries: 1, error: { code: 'http_302' } });
    expect(received).toHaveLength(1);
  });

  test('an unreachable port fails as unreachable after every try', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const outcome = await callWebhook({ url: `http://127.0.0.1:${port}/gone` }, options({ maxAttempts: 2 }));

    expect(outcome.ok).toBe(false);
    expect(outcome.tries).toBe(2);
    expect(outcome.error?.code).toBe('unreachable');
    expect(outcome.error?.message).toMatch(/ECONNREFUSED/);
  });

  test('an answer slower than timeoutMs fails as timeout', async () => {
    const slow: Responder = (_request, response) => {
      const timer = setTimeout(() => json(200, { late: true })(_request, response), 10_000);
      response.on('close', () => clearTimeout(timer));
    };
    responders.push(slow, slow);

    const started = performance.now();
    const outcome = await callWebhook({ url: `${base}/slow` }, options({ timeoutMs: 50, maxAttempts: 2 }));

    expect(outcome.ok).toBe(false);
    expect(outcome.tries).toBe(2);
    expect(outcome.error?.code).toBe('timeout');
    // Two 50 ms tries give up long before the 10 s answer: the timeout, not the server, ended the call.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('a header rendered from a whole template (a number) is sent as text', async () => {
    responders.push(json(200, { ok: true }));
    const outcome = await callWebhook({ url: `${base}/ok`, headers: { 'x-count': 3 } }, options());
    expect(outcome.ok).toBe(true);
    expect(received.at(-1)?.headers['x-count']).toBe('3');
  });

  test('invalid input fails before any try', async () => {
    for (const input of [
      { url: 'not a url' },
      { url: 'ftp://127.0.0.1/file' },
      { url: `${base}/x`, method: 'GET' },
      undefined,
    ]) {
      const outcome = await callWebhook(input, options());
      expect(outcome.ok).toBe(false);
      expect(outcome.tries).toBe(0);
      expect(outcome.error?.code).toBe('invalid_input');
    }
    expect(received).toHaveLength(0);
  });
});
