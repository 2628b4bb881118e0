/**
 * A local HTTP server that speaks enough of Ollama's API for tests through the real `ollama` client:
 * `GET /api/tags`, and `POST /api/chat` answering one JSON object, or NDJSON chunks when the request
 * streams. Each test scripts it: queued replies (content, chunking, delays between chunks, malformed
 * text, an error status), a fallback for when the queue is empty, and the models it knows (any other
 * model is a 404 like Ollama's "model not found").
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OllamaChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  format?: unknown;
}

export interface OllamaReply {
  /** The assistant's content: an object is sent as its JSON text, a string as it is (malformed JSON too). */
  content?: unknown;
  /** Split a streamed reply into this many chunks (default 3). */
  chunks?: number;
  /** Delay before each chunk (or before the single JSON answer). */
  delayMs?: number;
  /** Answer with this status and `{ error }` instead. */
  status?: number;
  error?: string;
}

export type OllamaResponder = (request: OllamaChatRequest) => OllamaReply;

export interface OllamaStub {
  url: string;
  /** Every chat request received, in order. */
  requests: OllamaChatRequest[];
  /** Replies for the next chat requests, in order. */
  queue(...replies: OllamaReply[]): void;
  /** What a chat request gets when the queue is empty (default: a 500). */
  fallback(responder: OllamaResponder): void;
  /** The models `/api/tags` lists and `/api/chat` accepts (change it in place). */
  models: string[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

async function answer(res: ServerResponse, request: OllamaChatRequest, reply: OllamaReply): Promise<void> {
  const base = { model: request.model, created_at: new Date().toISOString() };
  if (reply.status !== undefined) {
    if (reply.delayMs) await sleep(reply.delayMs);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: reply.error ?? 'stub error' }));
    return;
  }
  const content = typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content ?? {});
  const done = { ...base, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' };
  if (!request.stream) {
    if (reply.delayMs) await sleep(reply.delayMs);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...done, message: { role: 'assistant', content } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const chunk of split(content, reply.chunks ?? 3)) {
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    res.write(
      `${JSON.stringify({ ...base, message: { role: 'assistant', content: chunk }, done: false })}\n`,
    );
  }
  res.end(`${JSON.stringify(done)}\n`);
}

/** Start the stub on a free port of 127.0.0.1. */
export async function startOllamaStub(options: { models?: string[] } = {}): Promise<OllamaStub> {
  const requests: OllamaChatRequest[] = [];
  const queued: OllamaReply[] = [];
  let fallback: OllamaResponder = () => ({ status: 500, error: 'the stub has no reply queued' });
  const stub: Omit<OllamaStub, 'url' | 'close'> = {
    requests,
    models: options.models ?? ['llama3.1:8b'],
    queue: (...replies) => void queued.push(...replies),
    fallback: (responder) => {
      fallback = responder;
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/api/tags') {
        json(200, { models: stub.models.map((name) => ({ name, model: name, size: 1 })) });
        return;
      }
      if (req.method !== 'POST' || req.url !== '/api/chat') {
        json(404, { error: `no route ${req.method ?? ''} ${req.url ?? ''}` });
        return;
      }
      let body: Partial<OllamaChatRequest>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<OllamaChatRequest>;
      } catch {
        json(400, { error: 'invalid JSON' });
        return;
      }
      const request: OllamaChatRequest = {
        model: String(body.model ?? ''),
        messages: body.messages ?? [],
        // Ollama streams unless told not to.
        stream: body.stream !== false,
        ...(body.format === undefined ? {} : { format: body.format }),
      };
      requests.push(request);
      if (!stub.models.includes(request.model)) {
        json(404, { error: `model "${request.model}" not found, try pulling it first` });
        return;
      }
      const reply = queued.shift() ?? fallback(request);
      answer(res, request, reply).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...stub,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
