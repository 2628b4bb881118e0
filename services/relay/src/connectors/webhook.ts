/**
 * The generic webhook: an HTTP request with a JSON body, retried on network errors, timeouts, 408, 429
 * and 5xx. Every try carries the same `Idempotency-Key`. With a destination that has a signing secret,
 * each request is signed: `X-Riskloop-Timestamp: <unix seconds>` and `X-Riskloop-Signature:
 * v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, so the receiver can check origin and freshness.
 */
import { RiskloopError } from '@riskloop/kit';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { parseInput, type Connector, type ConnectorContext } from './context.ts';

/** A webhook step's parameters once every template is rendered. */
export const WebhookRequest = z.object({
  destination: z.string().optional(),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  // A whole-template header value such as `{{ trigger.n }}` renders to its typed value: send it as text.
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  body: z.unknown().optional(),
});
export type WebhookRequest = z.infer<typeof WebhookRequest>;

/** `v1=<hex>`: HMAC-SHA256 with the secret over `<timestamp>.<body>`. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function sendWebhook(
  request: WebhookRequest,
  destination: OpenDestination | undefined,
  context: ConnectorContext,
  key: string,
): Promise<{ status: number; body: unknown }> {
  const settings = destination?.config.type === 'webhook' ? destination.config.settings : undefined;
  const body = request.body === undefined ? '' : JSON.stringify(request.body);
  const secret = destination?.credentials.signing_secret;
  return context.call(key, async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const answer = expectOk(
      await context.http.send({
        url: request.url,
        method: request.method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...settings?.headers,
          ...request.headers,
          'idempotency-key': context.exec.idempotencyKey,
          'x-riskloop-run': context.exec.runId,
          ...(secret
            ? {
                'x-riskloop-timestamp': timestamp,
                'x-riskloop-signature': signature(secret, timestamp, body),
              }
            : {}),
        },
        ...(body ? { body } : {}),
        timeoutMs: context.exec.timeoutMs,
      }),
    );
    return { status: answer.status, body: answer.body };
  });
}

export const webhook: Connector = async (raw, context) => {
  const request = parseInput(WebhookRequest, raw);
  const destination = await context.store.open(
    context.tenant,
    context.config,
    'webhook',
    request.destination,
    true,
  );
  if (destination) context.usedDestination(destination.name);
  const key = destination?.name ?? `webhook:${new URL(request.url).host}`;
  return sendWebhook(request, destination, context, key);
};

/** A notify recipient on a webhook destination: its configured URL gets `{ to, subject, message }`. */
export async function notifyWebhook(
  destination: OpenDestination,
  payload: { to: string; subject?: string | undefined; message: string },
  context: ConnectorContext,
) {
  const url = destination.config.type === 'webhook' ? destination.config.settings.url : undefined;
  if (!url) throw new RiskloopError('destination_incomplete', `destination ${destination.name} has no url`);
  return sendWebhook({ url, method: 'POST', body: payload }, destination, context, destination.name);
}
