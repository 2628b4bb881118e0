/**
 * Slack's Web API (`chat.postMessage`, `auth.test`, under `/api/`) and an incoming webhook (`/hooks/...`),
 * as the real ones answer: HTTP 200 with `{ ok, ... }`, `not_authed` / `invalid_auth` for a bad token.
 * File uploads follow Slack's current three-call flow: `files.getUploadURLExternal` hands out an upload URL
 * on this server, the bytes are POSTed there (raw or as multipart), and `files.completeUploadExternal`
 * shares the uploaded files to a channel (a file whose bytes never arrived, or arrived with another length
 * than announced, is refused).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  needString,
  parseMultipart,
  startFakeServer,
  type FakeRequest,
  type FakeServer,
} from './fake-server.ts';

/** A file uploaded through the external-upload flow. */
export interface SlackFile {
  id: string;
  filename: string;
  /** The length announced to `files.getUploadURLExternal`. */
  length: number;
  /** The bytes received at the upload URL (undefined until then). */
  content?: Buffer;
  sha256?: string;
  title?: string;
  /** Channels it was shared to by `files.completeUploadExternal`, in order (one entry per share). */
  shares: string[];
}

export interface SlackFake extends FakeServer {
  token: string;
  /** The incoming webhook's full URL (its path is the secret). */
  webhookUrl: string;
  apiUrl: string;
  /** Messages accepted, in order. */
  messages: { channel: string | null; text: string; ts: string | null; via: 'api' | 'webhook' }[];
  /** Files by id, as uploaded and shared. */
  files: Map<string, SlackFile>;
  /** Every upload received at an upload URL (a repeated upload shows twice). */
  uploads: { fileId: string; sha256: string }[];
}

/** A Web API call's arguments: form-encoded (what `files.getUploadURLExternal` documents) or JSON. */
function argsOf(request: FakeRequest): Record<string, unknown> {
  if (String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(request.body));
  }
  return (request.json ?? {}) as Record<string, unknown>;
}

export async function startSlackFake(token = 'xoxb-fake-token'): Promise<SlackFake> {
  const messages: SlackFake['messages'] = [];
  const files = new Map<string, SlackFile>();
  const uploads: SlackFake['uploads'] = [];
  const authed = (request: FakeRequest) => request.headers.authorization === `Bearer ${token}`;
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
      path: /^\/api\/files\.getUploadURLExternal$/,
      reply: (request) => {
        if (!authed(request)) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
        const args = argsOf(request);
        const length = Number(args.length);
        if (needString(args.filename, 'filename') || !Number.isInteger(length) || length < 1)
          return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        files.set(id, { id, filename: args.filename as string, length, shares: [] });
        return {
          status: 200,
          body: { ok: true, upload_url: `${server.url}/upload/v1/${id}`, file_id: id },
        };
      },
    },
    {
      method: 'POST',
      path: /^\/upload\/v1\/([A-Z0-9]+)$/,
      reply: (request, [id]) => {
        const file = files.get(id ?? '');
        if (!file) return { status: 404, body: 'upload URL not found' };
        const content =
          parseMultipart(request)?.find((p) => p.filename !== undefined)?.content ?? request.raw;
        file.content = content;
        file.sha256 = createHash('sha256').update(content).digest('hex');
        uploads.push({ fileId: file.id, sha256: file.sha256 });
        return { status: 200, body: `OK - ${content.length}` };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/files\.completeUploadExternal$/,
      reply: (request) => {
        if (!authed(request)) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
        const args = argsOf(request);
        let listed: unknown;
        try {
          listed = typeof args.files === 'string' ? JSON.parse(args.files) : args.files;
        } catch {
          listed = undefined;
        }
        if (!Array.isArray(listed) || listed.length === 0)
          return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
        const chosen = (listed as { id?: string; title?: string }[]).map((f) => ({
          file: files.get(f.id ?? ''),
          title: f.title,
        }));
        if (chosen.some((c) => c.file?.content === undefined))
          return { status: 200, body: { ok: false, error: 'file_not_found' } };
        if (chosen.some((c) => c.file?.content?.length !== c.file?.length))
          return { status: 200, body: { ok: false, error: 'file_upload_size_mismatch' } };
        const channel = typeof args.channel_id === 'string' ? args.channel_id : undefined;
        for (const { file, title } of chosen) {
          if (title) file!.title = title;
          if (channel) file!.shares.push(channel);
        }
        return {
          status: 200,
          body: {
            ok: true,
            files: chosen.map(({ file }) => ({
              id: file!.id,
              name: file!.filename,
              title: file!.title ?? file!.filename,
              size: file!.length,
            })),
          },
        };
      },
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
  return {
    ...server,
    token,
    webhookUrl: `${server.url}${hookPath}`,
    apiUrl: `${server.url}/api/`,
    messages,
    files,
    uploads,
  };
}
