/**
 * Public preview links end to end: a 256-bit token stored only as a hash, one redemption out of 50
 * concurrent ones, an identical 404 for unknown, used, revoked and expired tokens, a view without
 * secrets or ids, the evidence of recent runs when asked, and every redemption in the audit log.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

const e2e = usePlatform({ services: ['registry', 'trigger-router', 'runner', 'gateway'] });
let workflowId = '';

const redeem = (token: string) =>
  fetch(`${e2e.platform.gatewayUrl}/api/public/workflow/${token}`).then(async (r) => ({
    status: r.status,
    headers: r.headers,
    text: await r.text(),
  }));

async function makeLink(body: Record<string, unknown> = {}, key?: string) {
  const made = await e2e.api('POST', `/api/workflows/${workflowId}/preview-links`, {
    body,
    ...(key ? { key } : {}),
  });
  return made;
}

beforeAll(async () => {
  const created = await e2e.api('POST', '/api/workflows', {
    body: {
      name: 'vendor-review',
      description: 'Review a vendor before onboarding',
      triggers: [{ type: 'manual' }],
      steps: [
        {
          id: 'notify_owner',
          type: 'set',
          name: 'Tell the owner',
          set: { vars: { api_token: 'hunter2', endpoint: `${e2e.sink.url}/secret-path` } },
        },
      ],
    },
  });
  expect(created.status, created.text).toBe(201);
  workflowId = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${workflowId}/activate`)).status).toBe(200);
  const run = await e2e.api('POST', `/api/workflows/${workflowId}/run`, { body: {} });
  expect(run.status).toBe(202);
  await waitFor(
    async () => (await e2e.api('GET', `/api/runs/${run.body.runId}`)).body.status === 'succeeded',
    60_000,
    'the run to succeed',
  );
}, 240_000);

describe('preview links', () => {
  it('are made by authors and admins; the token is shown once and stored only as a hash', async () => {
    const viewerKey = (
      await e2e.api('POST', '/api/api-keys', { body: { name: 'v', role: 'viewer', user: 'vera' } })
    ).body.apiKey as string;
    expect((await makeLink({}, viewerKey)).status).toBe(403);
    const made = await makeLink({ expiresIn: '1h' });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ workflowId, version: 1, status: 'active', includeEvidence: false });
    const token = made.body.token as string;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(made.body.url).toBe(`/api/public/workflow/${token}`);
    const rows = await e2e.platform.db.query<Record<string, unknown>>(
      'select * from gateway.preview_links where id = $1',
      [made.body.id],
    );
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('50 concurrent redemptions: exactly one succeeds; the rest get the 404 an unknown token gets', async () => {
    const made = await makeLink({ includeEvidence: true });
    const answers = await Promise.all(Array.from({ length: 50 }, () => redeem(made.body.token as string)));
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    const unknown = await redeem('A'.repeat(43));
    expect(unknown.status).toBe(404);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBe(404);
      expect(a.text).toBe(unknown.text);
      expect(a.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
    }
    for (const a of [ok[0], unknown]) {
      expect(a?.headers.get('cache-control')).toBe('no-store');
      expect(a?.headers.get('referrer-policy')).toBe('no-referrer');
    }

    // The view: the version's shape and its runs' outcomes, no parameters and no ids.
    const view = JSON.parse(ok[0]?.text ?? '{}');
    expect(view).toMatchObject({
      name: 'vendor-review',
      version: 1,
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'notify_owner', type: 'set', name: 'Tell the owner' }],
      evidence: { runs: [{ status: 'succeeded' }] },
    });
    expect(ok[0]?.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    expect(ok[0]?.text).not.toContain('hunter2');
    expect(ok[0]?.text).not.toContain(e2e.sink.url);
  });

  it('refuses revoked and expired links with the same 404, and lists each link with its state', async () => {
    const unknown = await redeem('B'.repeat(43));
    const revoked = await makeLink();
    expect(
      (await e2e.api('DELETE', `/api/workflows/${workflowId}/preview-links/${revoked.body.id}`)).status,
    ).toBe(204);
    const expired = await makeLink({ expiresIn: '1m' });
    await e2e.platform.db.query(
      `update gateway.preview_links set expires_at = now() - interval '1 second' where id = $1`,
      [expired.body.id],
    );
    for (const token of [revoked.body.token, expired.body.token, 'short', `${'C'.repeat(42)}!`]) {
      const answer = await redeem(token as string);
      expect(answer.status).toBe(404);
      expect(answer.text).toBe(unknown.text);
    }
    const list = await e2e.api('GET', `/api/workflows/${workflowId}/preview-links`);
    const states = Object.fromEntries(
      (list.body.items as { id: string; status: string }[]).map((l) => [l.id, l.status]),
    );
    expect(states[revoked.body.id as string]).toBe('revoked');
    expect(states[expired.body.id as string]).toBe('expired');
    expect(Object.values(states)).toContain('redeemed');
    expect(JSON.stringify(list.body)).not.toMatch(/token/);
    // A second revoke, or a link of another workflow id, is refused.
    expect(
      (await e2e.api('DELETE', `/api/workflows/${workflowId}/preview-links/${revoked.body.id}`)).status,
    ).toBe(409);
  });

  it('audits every redemption and every try of a spent link', async () => {
    const log = await e2e.api('GET', '/api/audit-log?action=preview_link.redeem&limit=500');
    const outcomes = (log.body.items as { outcome: string }[]).map((e) => e.outcome);
    expect(outcomes.filter((o) => o === 'success')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'denied').length).toBeGreaterThanOrEqual(49 + 2);
    const made = await e2e.api('GET', '/api/audit-log?action=POST%20/api/workflows/:id/preview-links');
    expect(made.body.items.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a version that does not exist and an expiry past 30 days', async () => {
    expect((await makeLink({ version: 9 })).status).toBe(404);
    expect((await makeLink({ expiresIn: '31d' })).status).toBe(422);
  });
});
