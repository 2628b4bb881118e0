/**
 * API hardening end to end: security headers on every answer, prototype keys dropped from JSON and YAML
 * bodies, deep and oversized bodies refused, `Idempotency-Key` honoured on POST (replay, reuse, races,
 * secrets never stored, per tenant), and per-key and per-tenant rate limits (429 with Retry-After).
 */
import { createTenant, usePlatform, apiClient } from '@riskloop/testkit';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessGateway, type InProcessGateway } from './fixtures/gateway-in-process.ts';

const e2e = usePlatform();
const api = e2e.api;

/**
 * Declare a body of `bytes` on a connection of its own and wait for the answer before sending any of it:
 * the gateway must refuse from the declared length alone (sending the bytes would race its early close).
 */
function announceLargeBody(path: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request(
      `${e2e.platform.gatewayUrl}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${e2e.apiKey}`,
          'content-type': 'application/json',
          'content-length': String(bytes),
        },
      },
      (answer) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
        call.destroy();
      },
    );
    call.on('error', (error) => {
      if (!call.destroyed) reject(error);
    });
    call.flushHeaders();
  });
}

const workflow = (name: string) => ({
  name,
  triggers: [{ type: 'manual' }],
  steps: [{ id: 'call', type: 'webhook', webhook: { url: 'https://hooks.example.test/x' } }],
});

describe('security headers', () => {
  it('are on answers, refusals and unknown routes alike', async () => {
    const gateway = e2e.platform.gatewayUrl;
    const answers = [
      await fetch(`${gateway}/healthz`),
      await fetch(`${gateway}/api/me`, { headers: { authorization: `Bearer ${e2e.apiKey}` } }),
      await fetch(`${gateway}/api/me`),
      await fetch(`${gateway}/api/no-such-route`, { headers: { authorization: `Bearer ${e2e.apiKey}` } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('untrusted bodies', () => {
  it('drops __proto__, constructor and prototype keys from JSON and YAML bodies, changing nothing else', async () => {
    const kri = await api('PUT', '/api/kris/polluted', {
      body: '{"name":"P","__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}',
    });
    expect(kri.status, kri.text).toBe(200);
    expect(kri.body).not.toHaveProperty('isAdmin');
    expect(Object.keys(kri.body).sort()).toEqual(['createdAt', 'id', 'name', 'updatedAt']);

    const json = JSON.stringify(workflow('json pollution')).replace(
      '"name":',
      '"__proto__":{"status":"active","owner":"mallory"},"name":',
    );
    const created = await api('POST', '/api/workflows', { body: json });
    expect(created.status, created.text).toBe(201);
    expect(created.body.status).toBe('draft');
    expect(created.body).not.toHaveProperty('owner');

    const yaml = [
      'name: yaml pollution',
      '__proto__: { status: active }',
      'triggers: [{ type: manual }]',
      'steps:',
      '  - id: call',
      '    type: webhook',
      '    constructor: { prototype: { polluted: true } }',
      '    webhook: { url: "https://hooks.example.test/x" }',
    ].join('\n');
    const fromYaml = await api('POST', '/api/workflows', {
      body: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(fromYaml.status, fromYaml.text).toBe(201);
    expect(fromYaml.body.status).toBe('draft');
    const stored = await api('GET', `/api/workflows/${fromYaml.body.id as string}`);
    expect(JSON.stringify(stored.body)).not.toMatch(/polluted|__proto__|constructor/);

    // a later, clean request sees no inherited fields
    const me = await api('GET', '/api/me');
    expect(me.body).not.toHaveProperty('isAdmin');
    expect(me.body.role).toBe('admin');
  });

  it('refuses deeply nested JSON and YAML with 400 and oversized bodies with 413', async () => {
    const deep = await api('POST', '/api/workflows', { body: '['.repeat(200_000) });
    expect(deep.status).toBe(400);
    expect(deep.headers.get('content-type')).toContain('application/problem+json');
    expect(deep.body.detail).toMatch(/nested deeper than 64/);

    const deepObject = `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`;
    expect((await api('PUT', '/api/kris/deep', { body: deepObject })).status).toBe(400);

    const deepYaml = `${'['.repeat(100)}1${']'.repeat(100)}`;
    const yaml = await api('POST', '/api/workflows', {
      body: deepYaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(yaml.status, yaml.text).toBe(400);

    expect(await announceLargeBody('/api/workflows', 2 * 1024 * 1024)).toBe(413);
  });
});

describe('Idempotency-Key on POST', () => {
  const named = async (name: string) =>
    ((await api('GET', '/api/workflows?limit=100')).body.items as { name: string }[]).filter(
      (w) => w.name === name,
    );

  it('replays the first answer to a retry and carries the request out once', async () => {
    const send = () =>
      api('POST', '/api/workflows', { body: workflow('once only'), headers: { 'idempotency-key': 'wf-1' } });
    const first = await send();
    const second = await send();
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await named('once only')).toHaveLength(1);
  });

  it('refuses the same key for another request, and a malformed key', async () => {
    const other = await api('POST', '/api/workflows', {
      body: workflow('another body'),
      headers: { 'idempotency-key': 'wf-1' },
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await named('another body')).toHaveLength(0);

    const bad = await api('POST', '/api/workflows', {
      body: workflow('bad key'),
      headers: { 'idempotency-key': 'has spaces in it' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_idempotency_key');
  });

  it('carries out one of several concurrent requests with one key', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        api('POST', '/api/workflows', { body: workflow('raced'), headers: { 'idempotency-key': 'wf-race' } }),
      ),
    );
    for (const a of answers) expect([201, 409], a.text).toContain(a.status);
    expect(answers.filter((a) => a.status === 201 && !a.headers.get('idempotent-replayed'))).toHaveLength(1);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.headers.get('retry-after')).toBe('1');
    expect(await named('raced')).toHaveLength(1);
  });

  it('never stores an answer holding a secret: a retry is told it was done', async () => {
    const send = () =>
      api('POST', '/api/api-keys', {
        body: { name: 'ci-bot', role: 'operator' },
        headers: { 'idempotency-key': 'key-1' },
      });
    const first = await send();
    expect(first.status, first.text).toBe(201);
    expect(first.body.apiKey).toMatch(/^rlk_/);
    const again = await send();
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('idempotent_secret_not_replayed');
    expect(again.text).not.toContain(first.body.apiKey as string);
    const keys = (await api('GET', '/api/api-keys')).body.items as { name: string }[];
    expect(keys.filter((k) => k.name === 'ci-bot')).toHaveLength(1);
    const stored = await e2e.platform.db.query<{ response: string | null }>(
      `select response from gateway.idempotent_requests where key = 'key-1'`,
    );
    expect(stored).toEqual([{ response: null }]);
  });

  it('keeps keys per tenant: another tenant using the same key gets its own result', async () => {
    const otherKey = await createTenant(e2e.platform.env, 'globex');
    const other = apiClient(
      () => e2e.platform.gatewayUrl,
      () => otherKey,
    );
    const answer = await other('POST', '/api/workflows', {
      body: workflow('once only'),
      headers: { 'idempotency-key': 'wf-1' },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('rate limits', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcessGateway({ rateLimits: { perKey: 5, perTenant: 8 } });
  });
  afterAll(async () => {
    await gw?.close();
  });
  const me = async (key: string) =>
    await gw.app.request('/api/me', { headers: { authorization: `Bearer ${key}` } });

  it('answers 429 problem+json with Retry-After past the per-key limit, and serves again after it', async () => {
    const answers = await Promise.all(Array.from({ length: 9 }, () => me(gw.keys.viewer)));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    await sleep(Number(refused[0]!.headers.get('retry-after')) * 1000 + 100);
    expect((await me(gw.keys.viewer)).status).toBe(200);
  });

  it("counts all of a tenant's keys together against the per-tenant limit", async () => {
    await sleep(1_100);
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => me(gw.keys.author)),
      ...Array.from({ length: 5 }, () => me(gw.keys.auditor)),
    ]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(8);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(2);
  });
});
