/** Microsoft Teams: an incoming webhook or a Workflows (Power Automate) webhook, sent an Adaptive Card. */
import { TeamsStep } from '@riskloop/contracts';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { need, parseInput, type Connector, type ConnectorContext } from './context.ts';

export async function postTeams(
  destination: OpenDestination,
  message: { title?: string | undefined; text: string },
  context: ConnectorContext,
): Promise<{ status: number }> {
  const url = need(destination.credentials, 'webhook_url', destination.name);
  const body = [
    ...(message.title
      ? [{ type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', wrap: true }]
      : []),
    { type: 'TextBlock', text: message.text, wrap: true },
  ];
  return context.call(destination.name, async () => {
    const answer = expectOk(
      await context.http.send({
        url,
        method: 'POST',
        body: {
          type: 'message',
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: {
                $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                type: 'AdaptiveCard',
                version: '1.4',
                body,
              },
            },
          ],
        },
        timeoutMs: context.exec.timeoutMs,
      }),
    );
    return { status: answer.status };
  });
}

const Input = TeamsStep.shape.teams;

export const teams: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const destination = (await context.store.open(context.tenant, context.config, 'teams', input.destination))!;
  context.usedDestination(destination.name);
  return postTeams(destination, { title: input.title, text: input.text }, context);
};
