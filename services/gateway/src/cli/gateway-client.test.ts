import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient } from './gateway-client.ts';
import { listRuns } from './workflow-runs.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A local HTTP server standing in for the gateway: the client speaks real HTTP to it. */
async function gateway(handler: Handler) {
  const seen: URL[] = [];
  const keys: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url);
    keys.push(req.headers.authorization);
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const { port } = server.address() as AddressInfo;
  return { client: createGatewayClient({ url: `http://127.0.0.1:${port}`, apiKey: 'rlk_t' }), seen, keys };
}

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
};

const workflowId = '11111111-1111-4111-8111-111111111111';
const run = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  workflowId,
  workflowVersion: 1,
  status: 'succeeded',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:01.000Z',
  finishedAt: '2025-01-01T00:00:01.000Z',
});

describe('listRuns', () => {
  it('follows nextCursor until the limit, asking only for what is still missing', async () => {
    const { client, seen, keys } = await gateway((_req, res, url) => {
      const page = Number(url.searchParams.get('cursor') ?? 0);
      const size = Math.min(2, Number(url.searchParams.get('limit')));
      const items = Array.from({ length: size }, (_, i) => run(page * 2 + i));
      json(res, 200, { items, nextCursor: String(page + 1) });
    });
    const { items, more } = await listRuns(client, workflowId, { status: 'succeeded', limit: 5 });
    expect(items).toHaveLength(5);
    expect(more).toBe(true);
    expect(seen.map((u) => u.searchParams.get('limit'))).toEqual(['5', '3', '1']);
    expect(seen.every((u) => u.searchParams.get('status') === 'succeeded')).toBe(true);
    expect(new Set(keys)).toEqual(new Set(['Bearer rlk_t']));
  });

  it('stops at the last page', async () => {
    const { client } = await gateway((_req, res) => json(res, 200, { items: [run(1)] }));
    expect(await listRuns(client, workflowId, { limit: 50 })).toMatchObject({ more: false });
  });
});

describe('createGatewayClient', () => {
  it("turns an error answer into an error carrying the problem's detail and field errors", async () => {
    const { client } = await gateway((_req, res) =>
      json(
        res,
        422,
        {
          type: 'https://riskloop.dev/problems/invalid',
          title: 'Unprocessable Content',
          status: 422,
          detail: 'steps[0].webhook.url: expected an http(s) URL',
          code: 'invalid',
          errors: [{ path: 'steps[0].webhook.url', message: 'expected an http(s) URL' }],
        },
        'application/problem+json',
      ),
    );
    await expect(client.raw('POST', '/api/workflows', { body: {} })).rejects.toMatchObject({
      code: 'invalid',
      status: 422,
      message:
        'POST /api/workflows answered 422: steps[0].webhook.url: expected an http(s) URL\n' +
        '  steps[0].webhook.url: expected an http(s) URL',
    });
  });

  it('waits out a 429 for as long as Retry-After says, then goes on', async () => {
    let calls = 0;
    const { client } = await gateway((_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/problem+json' });
        res.end('{}');
      } else json(res, 200, { ok: true });
    });
    const started = Date.now();
    expect(await client.raw('GET', '/api/me')).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
