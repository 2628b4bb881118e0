/**
 * Slack: Web API `chat.postMessage` with a bot token (output: channel and message `ts`), or an incoming
 * webhook URL. Slack answers most failures as HTTP 200 with `{ ok: false, error }`; `ratelimited` and
 * 429 (with `Retry-After`) are retried, the rest fail the step with Slack's error code. A step with
 * `attachments` posts its text, then shares the artifacts to the same channel (slack-files.ts); that needs
 * a bot token, since incoming webhooks cannot upload files.
 */
import { SlackStep } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { attachmentsOf, once, parseInput, type Connector, type ConnectorContext } from './context.ts';
import { slackApi } from './slack-api.ts';
import { shareSlackFiles } from './slack-files.ts';

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
  const channel = message.channel ?? destination.config.settings.default_channel;
  if (token) {
    if (!channel)
      throw new RiskloopError('invalid_input', 'no channel: set one on the step or the destination');
    return context.call(destination.name, async () => {
      const body = await slackApi(
        destination,
        token,
        'chat.postMessage',
        { channel, text: message.text },
        context,
      );
      return {
        channel: (body.channel as string | undefined) ?? channel,
        ts: (body.ts as string | undefined) ?? null,
      };
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

/** The bot token that uploads files; a webhook-only destination cannot, and says so. */
function uploadToken(destination: OpenDestination): string {
  const { token, webhook_url: webhookUrl } = destination.credentials;
  if (token) return token;
  if (webhookUrl) {
    throw new RiskloopError(
      'slack_webhook_cannot_upload',
      `destination ${destination.name} is a Slack incoming webhook, which cannot upload files: ` +
        'give it a bot token (scopes chat:write, files:write) to send attachments',
      { retryable: false },
    );
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
  const message = { channel: input.channel, text: input.text };
  if (!input.attachments?.length) return postSlack(destination, message, context);

  // Everything that can refuse the step is checked before anything is posted.
  const token = uploadToken(destination);
  const files = await attachmentsOf(context, input.attachments);
  const posted = await once(context, 'slack:message', () => postSlack(destination, message, context));
  // chat.postMessage answers with the channel's id, which files.completeUploadExternal requires.
  const channel = posted.channel ?? input.channel;
  const attachments = await shareSlackFiles(destination, token, channel, files, context);
  return { ...posted, attachments };
};
