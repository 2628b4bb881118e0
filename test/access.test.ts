/**
 * The role x route matrix, exhaustively: every route the gateway has under `/api`, called with a key of every
 * role, answers 403 problem+json exactly when the matrix does not list that role, and never 403 when it
 * does. Routes mounted without a declaration are listed by name (they are refused for everyone).
 */
import { roles } from '@riskloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix } from '../services/gateway/src/routes/access-matrix.ts';
import { startInProcessGateway, type InProcessGateway } from './fixtures/gateway-in-process.ts';

let gw: InProcessGateway;
beforeAll(async () => {
  gw = await startInProcessGateway();
});
afterAll(async () => {
  await gw?.close();
});

const sample: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000001',
  runId: '00000000-0000-4000-8000-000000000002',
  keyId: 'no-such-key',
  n: '1',
  name: 'slack',
  token: 'x'.repeat(43),
};

/** `/api/workflows/:id/versions/:n` -> a concrete path. */
const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => sample[name] ?? 'x');

/** Every handler route under `/api` (middleware is registered as `ALL`). */
function apiRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return gw.app.routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.startsWith('/api/public/'))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

describe('role x route matrix', () => {
  it('declares roles for every /api route (an undeclared route is refused for everyone)', () => {
    const undeclared = apiRoutes()
      .map((r) => `${r.method} ${r.path}`)
      .filter((key) => !accessMatrix[key]);
    expect(
      undeclared,
      `routes with no roles declared (add them to a table in services/gateway/src/routes):\n  ${undeclared.join('\n  ')}`,
    ).toEqual([]);
  });

  it('declares no route that does not exist', () => {
    const existing = new Set(apiRoutes().map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(accessMatrix).filter((key) => !existing.has(key))).toEqual([]);
  });

  it('answers 403 problem+json to exactly the roles a route does not list', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of apiRoutes()) {
      const allowed = accessMatrix[`${route.method} ${route.path}`] ?? [];
      for (const role of roles) {
        const response = await gw.app.request(concrete(route.path), {
          method: route.method,
          headers: { authorization: `Bearer ${gw.keys[role]}`, 'content-type': 'application/json' },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        calls++;
        const refused = response.status === 403;
        const type = response.headers.get('content-type') ?? '';
        if (allowed.includes(role) === refused || (refused && !type.includes('application/problem+json')))
          wrong.push(`${role} ${route.method} ${route.path}: ${response.status} ${await response.text()}`);
      }
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
    expect(calls).toBe(apiRoutes().length * roles.length);
    expect(calls).toBeGreaterThan(200);
  }, 300_000);

  it('refuses a route added without a declaration, even to an admin', async () => {
    const app = gw.build();
    app.get('/api/undeclared-route', (c) => c.json({ reached: true }));
    const response = await app.request('/api/undeclared-route', {
      headers: { authorization: `Bearer ${gw.keys.admin}` },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/no roles declared/);
  });

  it('answers 401 without a credential and 404 for no route', async () => {
    expect((await gw.app.request('/api/workflows')).status).toBe(401);
    const missing = await gw.app.request('/api/no-such-thing', {
      headers: { authorization: `Bearer ${gw.keys.admin}` },
    });
    expect(missing.status).toBe(404);
  });
});
