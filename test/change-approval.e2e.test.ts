/**
 * Separation of duties: with the tenant's change approval on, a workflow version goes live only when
 * someone other than its author activates it; an edit of a live workflow waits as a pending version.
 */
import { usePlatform } from '@riskloop/testkit';
import { describe, expect, it } from 'vitest';

const e2e = usePlatform({ services: ['registry', 'gateway'] });

const definition = (name: string, url = 'https://example.com/hook') => ({
  name,
  triggers: [{ type: 'manual' }],
  steps: [{ id: 'call', type: 'webhook', webhook: { url, method: 'POST' } }],
});

async function key(user: string, role: string): Promise<string> {
  const created = await e2e.api('POST', '/api/api-keys', { body: { name: user, role, user } });
  expect(created.status, created.text).toBe(201);
  return created.body.apiKey as string;
}

describe('change approval', () => {
  it('is off by default and only an admin turns it on', async () => {
    expect((await e2e.api('GET', '/api/tenant-settings')).body).toEqual({ changeApproval: false });
    const author = await key('carol', 'author');
    const refused = await e2e.api('PUT', '/api/tenant-settings', {
      body: { changeApproval: true },
      key: author,
    });
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
  });

  it('refuses the author, accepts another approver, and holds edits of a live workflow', async () => {
    const on = await e2e.api('PUT', '/api/tenant-settings', { body: { changeApproval: true } });
    expect(on.status, on.text).toBe(200);
    expect(on.body).toEqual({ changeApproval: true });
    const alice = await key('alice', 'author');
    const bob = await key('bob', 'approver');

    const created = await e2e.api('POST', '/api/workflows', { body: definition('patch-sla'), key: alice });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;

    const own = await e2e.api('POST', `/api/workflows/${id}/activate`, { key: alice });
    expect(own.status, own.text).toBe(403);
    expect(own.body.detail).toMatch(/someone else must activate it/);
    expect((await e2e.api('GET', `/api/workflows/${id}`)).body.status).toBe('draft');

    const approved = await e2e.api('POST', `/api/workflows/${id}/activate`, { key: bob });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'active', activeVersion: 1 });

    // Alice's edit of the live workflow waits; new runs stay on version 1.
    const edited = await e2e.api('PUT', `/api/workflows/${id}`, {
      body: { definition: definition('patch-sla', 'https://example.com/other'), reason: 'new endpoint' },
      key: alice,
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ status: 'active', latestVersion: 2, activeVersion: 1 });
    expect((await e2e.api('POST', `/api/workflows/${id}/activate`, { key: alice })).status).toBe(403);
    const promoted = await e2e.api('POST', `/api/workflows/${id}/activate`, { key: bob });
    expect(promoted.body).toMatchObject({ status: 'active', latestVersion: 2, activeVersion: 2 });

    // Resuming the version that was approved needs no second approval, even by its author.
    expect((await e2e.api('POST', `/api/workflows/${id}/pause`, { key: bob })).status).toBe(200);
    expect((await e2e.api('POST', `/api/workflows/${id}/activate`, { key: alice })).status).toBe(200);

    // The change log records who approved whose version.
    const log = await e2e.api('GET', `/api/workflows/${id}/change-log`);
    const activations = (log.body.items as { action: string; actor: string; diff: any }[]).filter(
      (e) => e.action === 'activated',
    );
    expect(activations.map((e) => e.actor)).toEqual(['user:bob', 'user:bob', 'user:alice']);
    expect(activations[0]?.diff.changeApproval).toEqual({ author: 'user:alice', approvedBy: 'user:bob' });
    expect(activations[2]?.diff.changeApproval).toBeUndefined();
  });

  it('lets an edit of a live workflow go live at once when it is off', async () => {
    expect((await e2e.api('PUT', '/api/tenant-settings', { body: { changeApproval: false } })).status).toBe(
      200,
    );
    const created = await e2e.api('POST', '/api/workflows', { body: definition('quick') });
    const id = created.body.id as string;
    expect((await e2e.api('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
    const edited = await e2e.api('PUT', `/api/workflows/${id}`, {
      body: { definition: definition('quick', 'https://example.com/2'), reason: 'r' },
    });
    expect(edited.body).toMatchObject({ latestVersion: 2, activeVersion: 2 });
  });
});
