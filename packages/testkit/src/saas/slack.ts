/**
 * Slack's Web API (`chat.postMessage`, `auth.test`, under `/api/`) and an incoming webhook (`/hooks/...`),
 * as the real ones answer: HTTP 200 with `{ ok, ... }`, `not_authed` / `invalid_auth` for a bad token.
 */
import { needString, startFakeServer, type FakeServer } from './fake-server.ts';

export interface SlackFake extends FakeServer {
  token: string;
  /** The incoming webhook's full URL (its path is the secret). */
  webhookUrl: string;
  apiUrl: string;
  /** Messages accepted, in order. */
  messages: { channel: string | null; text: string; ts: string | null; via: 'api' | 'webhook' }[];
}

export async function startSlackFake(token = 'xoxb-fake-token'): Promise<SlackFake> {
  const messages: SlackFake['messages'] = [];
  let ts = 1_700_000_000;
  const hookPath = '/hooks/T000/B000/fakewebhooksecret';
  const server = await startFakeServer([
    {
      method: 'POST',
      path: /^\/api\/chat\.postMessage$/,
      reply: (request) => {
        if (request.headers.authorization !== `Bearer ${token}`)
          return { status: 200, body: { ok: false, error: 'invalid_auth' } };
        if (!String(request.headers['content-type']).startsWith('application/json'))
          return { status: 200, body: { ok: false, error: 'invalid_form_data' } };
        const { channel, text } = (request.json ?? {}) as { channel?: unknown; text?: unknown };
        if (needString(channel, 'channel'))
          return { status: 200, body: { ok: false, error: 'channel_not_found' } };
        if (needString(text, 'text')) return { status: 200, body: { ok: false, error: 'no_text' } };
        ts += 1;
        const message = {
          channel: channel as string,
          text: text as string,
          ts: `${ts}.000100`,
          via: 'api' as const,
        };
        messages.push(message);
        return { status: 200, body: { ok: true, channel, ts: message.ts, message: { text } } };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/auth\.test$/,
      reply: (request) =>
        request.headers.authorization === `Bearer ${token}`
          ? { status: 200, body: { ok: true, team: 'Fake Team', user: 'riskloop' } }
          : { status: 200, body: { ok: false, error: 'invalid_auth' } },
    },
    {
      method: 'POST',
      path: new RegExp(`^${hookPath}$`),
      check: (request) => needString((request.json as { text?: unknown } | undefined)?.text, 'text'),
      reply: (request) => {
        messages.push({
          channel: null,
          text: (request.json as { text: string }).text,
          ts: null,
          via: 'webhook',
        });
        return { status: 200, body: 'ok' };
      },
    },
  ]);
  return { ...server, token, webhookUrl: `${server.url}${hookPath}`, apiUrl: `${server.url}/api/`, messages };
}
