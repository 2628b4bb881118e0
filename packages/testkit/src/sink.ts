/**
 * A local HTTP server standing in for a webhook receiver: it records every request, and can be told to
 * answer slowly or with an error status.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  at: number;
}

export interface SinkBehaviour {
  status?: number;
  delayMs?: number;
  body?: unknown;
}

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** What the next requests get; a function decides per request. */
  respond(behaviour: SinkBehaviour | ((request: SinkRequest) => SinkBehaviour)): void;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const requests: SinkRequest[] = [];
  let behaviour: SinkBehaviour | ((request: SinkRequest) => SinkBehaviour) = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const request: SinkRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      requests.push(request);
      const b = typeof behaviour === 'function' ? behaviour(request) : behaviour;
      setTimeout(() => {
        res.writeHead(b.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b.body ?? { received: true }));
      }, b.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (b) => {
      behaviour = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
