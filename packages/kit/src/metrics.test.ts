import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from './log.ts';
import { serveMetrics, type MetricsServer } from './metrics.ts';
import { signalReady } from './ready.ts';

describe('the metrics server probes', () => {
  let server: MetricsServer;
  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`);
  beforeAll(async () => {
    server = await serveMetrics({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  test('/healthz answers while the process runs; /readyz only once it has signalled ready', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    signalReady(createLogger({ service: 'probe-test', level: 'silent' }));
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
    expect((await get('/other')).status).toBe(404);
  });
});
