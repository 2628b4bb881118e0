import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signGeneric, verifyWebhook } from './webhook-signatures.ts';

const secret = 'whsec_test';
const body = '{"finding":"open port"}';
const now = new Date('2026-05-01T12:00:00Z');
const ts = Math.floor(now.getTime() / 1000);

describe('generic HMAC webhooks', () => {
  it('accepts a body signed with the secret over the timestamp, keyed by its signature', () => {
    const verdict = verifyWebhook('generic', secret, signGeneric(secret, body, ts), body, now);
    expect(verdict).toMatchObject({ ok: true, deliveryKey: expect.stringMatching(/^generic:[0-9a-f]{64}$/) });
  });

  it('refuses a wrong secret, a changed body, a stale or missing timestamp', () => {
    expect(verifyWebhook('generic', secret, signGeneric('other', body, ts), body, now)).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
    expect(verifyWebhook('generic', secret, signGeneric(secret, body, ts), `${body} `, now)).toMatchObject({
      ok: false,
    });
    expect(verifyWebhook('generic', secret, signGeneric(secret, body, ts - 301), body, now)).toMatchObject({
      ok: false,
      reason: 'the timestamp is outside the 5-minute window',
    });
    expect(verifyWebhook('generic', secret, {}, body, now)).toMatchObject({ ok: false });
  });
});

describe('GitHub pull_request deliveries', () => {
  const headers = (event = 'pull_request') => ({
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-github-event': event,
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  });

  it('accepts GitHub signature, keyed by the delivery id', () => {
    expect(verifyWebhook('github.pull_request', secret, headers(), body, now)).toEqual({
      ok: true,
      deliveryKey: 'github:72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  it('ignores other GitHub events and refuses a bad signature', () => {
    expect(verifyWebhook('github.pull_request', secret, headers('push'), body, now)).toMatchObject({
      ok: false,
      ignored: true,
    });
    expect(verifyWebhook('github.pull_request', 'wrong', headers(), body, now)).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
  });
});

describe('GitLab merge_request deliveries', () => {
  it('accepts the token and refuses another', () => {
    const h = {
      'x-gitlab-token': secret,
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-event-uuid': 'u1',
    };
    expect(verifyWebhook('gitlab.merge_request', secret, h, body, now)).toEqual({
      ok: true,
      deliveryKey: 'gitlab:u1',
    });
    expect(
      verifyWebhook('gitlab.merge_request', secret, { ...h, 'x-gitlab-token': 'x' }, body, now),
    ).toMatchObject({ ok: false });
  });
});
