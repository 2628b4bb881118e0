/** Slack's Web API, one method at a time, with a bot token. */
import { RiskloopError } from '@riskloop/kit';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { join, type ConnectorContext } from './context.ts';

/**
 * One Web API method with the bot token: JSON, or a form (`URLSearchParams`) for the methods that document
 * only form encoding. Slack's `{ ok: false, error }` fails as `slack_<error>`.
 */
export async function slackApi(
  destination: OpenDestination,
  token: string,
  method: string,
  args: Record<string, unknown> | URLSearchParams,
  context: ConnectorContext,
): Promise<Record<string, unknown>> {
  if (destination.config.type !== 'slack') throw new Error('not a slack destination');
  const form = args instanceof URLSearchParams;
  const answer = expectOk(
    await context.http.send({
      url: join(destination.config.settings.api_url, method),
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(form ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      },
      body: form ? args : JSON.stringify(args),
      timeoutMs: context.exec.timeoutMs,
    }),
  );
  const body = answer.body as { ok?: boolean; error?: string } & Record<string, unknown>;
  if (body.ok !== true) {
    const code = body.error ?? 'unknown_error';
    throw new RiskloopError(`slack_${code}`, `Slack refused ${method}: ${code}`, {
      retryable: code === 'ratelimited' || code === 'internal_error' || code === 'service_unavailable',
    });
  }
  return body;
}
