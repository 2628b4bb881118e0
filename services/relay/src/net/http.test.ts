/**
 * The guarded HTTP client against real sockets: a canary listener on loopback must receive nothing,
 * whichever way a URL tries to reach it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createAddressPolicy } from './address-policy.ts';
import { createHttp, HttpStatusError, parseRetryAfter } from './http.ts';

let canary: Server;
let canaryPort: number;
let canaryHits: number;
let redirector: Server;
let redirectorUrl: string;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  canary = createServer((_req, res) => {
    canaryHits += 1;
    res.end('canary');
  });
  canaryPort = await listen(canary);
  // An allowed server that redirects wherever `?to=` says, or answers.
  redirector = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (to) {
      res.writeHead(307, { location: to }).end();
    } else {
      res.writeHead(429, { 'retry-after': '7' }).end('slow down');
    }
  });
  redirectorUrl = `http://127.0.0.1:${await listen(redirector)}`;
});

afterAll(async () => {
  for (const server of [canary, redirector]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

beforeEach(() => {
  canaryHits = 0;
});

const client = () =>
  createHttp(createAddressPolicy({ allowTargets: [new URL(redirectorUrl).host], allowHttp: true }));

test.each([
  () => `http://127.0.0.1:${canaryPort}/`,
  () => `http://[::1]:${canaryPort}/`,
  () => `http://[::ffff:127.0.0.1]:${canaryPort}/`,
  () => `http://2130706433:${canaryPort}/`,
  () => `http://0x7f.1:${canaryPort}/`,
  () => `http://localhost:${canaryPort}/`,
  () => `http://169.254.169.254/latest/meta-data/`,
  () => `${redirectorUrl}/go?to=${encodeURIComponent(`http://127.0.0.1:${canaryPort}/`)}`,
  () => `${redirectorUrl}/go?to=${encodeURIComponent(`http://localhost:${canaryPort}/`)}`,
])('refused, and the canary hears nothing: %#', async (url) => {
  const http = client();
  try {
    await expect(http.send({ url: url(), timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'target_refused',
    });
    expect(canaryHits).toBe(0);
  } finally {
    await http.close();
  }
});

test('more than 3 redirects are refused', async () => {
  const http = client();
  try {
    await expect(http.send({ url: `${redirectorUrl}/loop`, timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'too_many_redirects',
    });
  } finally {
    await http.close();
  }
});

test('an allowed target answers, with Retry-After readable from the answer', async () => {
  const http = client();
  try {
    const answer = await http.send({ url: `${redirectorUrl}/x`, timeoutMs: 2_000 });
    expect(answer.status).toBe(429);
    expect(answer.text).toBe('slow down');
    expect(parseRetryAfter(answer.headers.get('retry-after'))).toBe(7_000);
    expect(new HttpStatusError(429, '', 7_000).retryable).toBe(true);
  } finally {
    await http.close();
  }
});

test('Retry-After as an HTTP date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
});
