/**
 * Slack: Web API `chat.postMessage` with a bot token (output: channel and message `ts`), or an incoming
 * webhook URL. Slack answers most failures as HTTP 200 with `{ ok: false, error }`; `ratelimited` and
 * 429 (with `Retry-After`) are retried, the rest fail the step with Slack's error code.
 */
import { SlackStep } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { join, parseInput, type Connector, type ConnectorContext } from './context.ts';

export interface SlackMessage {
  channel?: string | undefined;
  text: string;
}

export async function postSlack(
  destination: OpenDestination,
  message: SlackMessage,
  context: ConnectorContext,
): Promise<{ channel: string | null; ts: string | null }> {
  if (destination.config.type !== 'slack') throw new Error('not a slack destination');
  const { token, webhook_url: webhookUrl } = destination.credentials;
  const settings = destination.config.settings;
  const channel = message.channel ?? settings.default_channel;
  if (token) {
    if (!channel)
      throw new RiskloopError('invalid_input', 'no channel: set one on the step or the destination');
    return context.call(destination.name, async () => {
      const answer = expectOk(
        await context.http.send({
          url: join(settings.api_url, 'chat.postMessage'),
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ channel, text: message.text }),
          timeoutMs: context.exec.timeoutMs,
        }),
      );
      const body = answer.body as { ok?: boolean; error?: string; ts?: string; channel?: string };
      if (body.ok !== true) {
        const code = body.error ?? 'unknown_error';
        throw new RiskloopError(`slack_${code}`, `Slack refused the message: ${code}`, {
          retryable: code === 'ratelimited' || code === 'internal_error' || code === 'service_unavailable',
        });
      }
      return { channel: body.channel ?? channel, ts: body.ts ?? null };
    });
  }
  if (webhookUrl) {
    return context.call(destination.name, async () => {
      expectOk(
        await context.http.send({
          url: webhookUrl,
          method: 'POST',
          body: { text: message.text },
          timeoutMs: context.exec.timeoutMs,
        }),
      );
      return { channel: channel ?? null, ts: null };
    });
  }
  throw new RiskloopError(
    'destination_incomplete',
    `destination ${destination.name} has neither token nor webhook_url`,
  );
}

const Input = SlackStep.shape.slack;

export const slack: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const destination = (await context.store.open(context.tenant, context.config, 'slack', input.destination))!;
  context.usedDestination(destination.name);
  return postSlack(destination, { channel: input.channel, text: input.text }, context);
};
