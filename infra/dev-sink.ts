/**
 * `npm run sink`: a local webhook receiver for trying workflows by hand. Prints every request it gets and
 * answers 200 with `{"received":true}`. Port from `SINK_PORT` (default 9999).
 */
import { createServer } from 'node:http';

const port = Number(process.env.SINK_PORT ?? 9999);
createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    console.log(
      `${new Date().toISOString()} ${req.method} ${req.url} idempotency-key=${String(req.headers['idempotency-key'] ?? '')}`,
    );
    console.log(`  ${body}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"received":true}');
  });
}).listen(port, '127.0.0.1', () => console.log(`sink listening on http://127.0.0.1:${port}`));
