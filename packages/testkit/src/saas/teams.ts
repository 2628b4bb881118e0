/** A Microsoft Teams Workflows webhook: a `message` with an Adaptive Card attachment, answered 202. */
import { startFakeServer, type FakeServer } from './fake-server.ts';

export interface TeamsFake extends FakeServer {
  webhookUrl: string;
  /** The text blocks of each accepted card. */
  cards: string[][];
}

export async function startTeamsFake(): Promise<TeamsFake> {
  const cards: string[][] = [];
  const path = '/workflows/fake-flow/triggers/manual/paths/invoke';
  const server = await startFakeServer([
    {
      method: 'POST',
      path: new RegExp(`^${path}$`),
      check: (request) => {
        const body = request.json as {
          type?: string;
          attachments?: { contentType?: string; content?: { type?: string } }[];
        };
        if (body?.type !== 'message') return 'type must be message';
        const card = body.attachments?.[0];
        if (
          card?.contentType !== 'application/vnd.microsoft.card.adaptive' ||
          card.content?.type !== 'AdaptiveCard'
        ) {
          return 'an adaptive card attachment is required';
        }
        return undefined;
      },
      reply: (request) => {
        const content = (request.json as { attachments: { content: { body?: { text?: string }[] } }[] })
          .attachments[0]?.content;
        cards.push((content?.body ?? []).map((block) => block.text ?? ''));
        return { status: 202 };
      },
    },
  ]);
  return { ...server, webhookUrl: `${server.url}${path}?sig=fakesignature`, cards };
}
