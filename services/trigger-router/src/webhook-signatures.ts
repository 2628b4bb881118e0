/**
 * Inbound webhook signature schemes, as pure functions of the secret, the headers (lowercase names), the
 * raw body and now. Each returns the delivery's replay key (a delivery seen before is refused) or why it
 * is refused. Comparisons are constant-time.
 *
 * - generic: `X-Riskloop-Timestamp: <unix seconds>` and `X-Riskloop-Signature: v1=<hex HMAC-SHA256(secret,
 *   "<timestamp>.<raw body>")>`; a timestamp more than 5 minutes from now is refused.
 * - github.pull_request: GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`, only
 *   for `X-GitHub-Event: pull_request`; `X-GitHub-Delivery` is the replay key.
 * - gitlab.merge_request: GitLab's `X-Gitlab-Token: <secret>`, only for `X-Gitlab-Event: Merge Request
 *   Hook`; `X-Gitlab-Event-UUID` is the replay key.
 */
import { webhookHeaders, webhookReplayWindowMs } from '@riskloop/contracts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookPreset = 'generic' | 'github.pull_request' | 'gitlab.merge_request';

export type Verdict =
  | { ok: true; deliveryKey: string }
  | {
      ok: false;
      reason: string;
      /** The request is authentic but not an event this trigger takes. */ ignored?: boolean;
    };

const sameText = (a: string, b: string): boolean => {
  // Hash both sides first: equal lengths for timingSafeEqual, and no early exit on a length mismatch.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
};

const hmacHex = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

/** The headers a sender sets for the generic scheme (what `riskloop` documents for other senders). */
export function signGeneric(secret: string, body: string, timestamp: number): Record<string, string> {
  return {
    [webhookHeaders.timestamp]: String(timestamp),
    [webhookHeaders.signature]: `v1=${hmacHex(secret, `${timestamp}.${body}`)}`,
  };
}

export function verifyWebhook(
  preset: WebhookPreset,
  secret: string,
  headers: Record<string, string>,
  body: string,
  now: Date,
): Verdict {
  if (preset === 'github.pull_request') {
    const given = headers['x-hub-signature-256'] ?? '';
    if (!sameText(given, `sha256=${hmacHex(secret, body)}`)) return { ok: false, reason: 'bad signature' };
    const delivery = headers['x-github-delivery'];
    if (!delivery) return { ok: false, reason: 'X-GitHub-Delivery is missing' };
    if (headers['x-github-event'] !== 'pull_request')
      return {
        ok: false,
        ignored: true,
        reason: `event ${headers['x-github-event'] ?? '(none)'} is not pull_request`,
      };
    return { ok: true, deliveryKey: `github:${delivery}` };
  }
  if (preset === 'gitlab.merge_request') {
    if (!sameText(headers['x-gitlab-token'] ?? '', secret)) return { ok: false, reason: 'bad token' };
    const delivery = headers['x-gitlab-event-uuid'];
    if (!delivery) return { ok: false, reason: 'X-Gitlab-Event-UUID is missing' };
    if (headers['x-gitlab-event'] !== 'Merge Request Hook')
      return {
        ok: false,
        ignored: true,
        reason: `event ${headers['x-gitlab-event'] ?? '(none)'} is not a merge request`,
      };
    return { ok: true, deliveryKey: `gitlab:${delivery}` };
  }
  const stamp = headers[webhookHeaders.timestamp] ?? '';
  const signature = headers[webhookHeaders.signature] ?? '';
  if (!/^\d{1,12}$/.test(stamp)) return { ok: false, reason: `${webhookHeaders.timestamp} is missing` };
  if (Math.abs(now.getTime() - Number(stamp) * 1000) > webhookReplayWindowMs)
    return { ok: false, reason: 'the timestamp is outside the 5-minute window' };
  if (!sameText(signature, `v1=${hmacHex(secret, `${stamp}.${body}`)}`))
    return { ok: false, reason: 'bad signature' };
  return { ok: true, deliveryKey: `generic:${signature.slice(3)}` };
}
