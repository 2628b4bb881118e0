/**
 * One trace follows a breach through every service: the test plays the risk engine, publishing a breach
 * whose CloudEvent carries a W3C `traceparent`, and an OTLP/HTTP collector on a local socket; the spans the
 * trigger-router, runner, relay and kri-emitter export all belong to that trace.
 */
import { publishEvent } from '@riskloop/bus';
import { cloudEvent, subjects } from '@riskloop/contracts';
import { usePlatform, waitFor } from '@riskloop/testkit';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Exported {
  service: string;
  traceId: string;
  name: string;
}

/** An OTLP/HTTP (JSON) trace collector: keeps every span it is sent. Started before the platform. */
const spans: Exported[] = [];
let collector: Server;
let collectorUrl = '';
beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { traceId: string; name: string }[] }[];
        }[];
      };
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              service,
              name: s.name,
              traceId: /^[0-9a-f]{32}$/.test(s.traceId)
                ? s.traceId
                : Buffer.from(s.traceId, 'base64').toString('hex'),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => {
  collector?.close();
});

const e2e = usePlatform({
  env: { OTEL_BSP_SCHEDULE_DELAY: '200' },
  lateEnv: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl }),
});

describe('traces', () => {
  it('follows a breach through the trigger-router, runner, relay and kri-emitter as one trace', async () => {
    const api = e2e.api;
    expect((await api('PUT', '/api/kris/traced_kri', { body: { name: 'Traced' } })).status).toBe(200);
    const def = await api('PUT', '/api/workflow-kri-definitions/traced', {
      body: { event: 'traced_done', kri: 'traced_kri', effect: 'decrement', amount: 1 },
    });
    expect(def.status, def.text).toBe(201);
    const created = await api('POST', '/api/workflows', {
      body: {
        name: 'traced',
        triggers: [{ type: 'kri_breach', kri: 'traced_kri' }],
        emits: ['traced_done'],
        steps: [
          { id: 'call', type: 'webhook', webhook: { url: `${e2e.sink.url}/traced` } },
          { id: 'record', type: 'emit_kri', emit_kri: { event: 'traced_done', kri: 'traced_kri' } },
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    const workflowId = created.body.id as string;
    expect((await api('POST', `/api/workflows/${workflowId}/activate`)).status).toBe(200);
    const [tenant] = await e2e.platform.db.query<{ id: string }>(`select id from gateway.tenants`);
    const bus = e2e.platform.testBus.bus;

    const traceId = randomBytes(16).toString('hex');
    const breachAt = Date.now();
    await waitFor(
      async () => {
        // the trigger index may not have the workflow yet: publish until a run exists
        await publishEvent(
          bus,
          subjects.kriBreach(tenant!.id, 'traced_kri'),
          cloudEvent({
            id: 'traced-breach',
            source: 'test-risk-engine',
            type: 'kri.threshold.breached',
            tenant: tenant!.id,
            traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
            data: {
              kri: 'traced_kri',
              value: 5,
              threshold: 1,
              direction: 'above',
              severity: 'high',
              observed_at: new Date(breachAt).toISOString(),
            },
          }),
          { msgId: `traced-breach-${Date.now()}` },
        );
        const runs = await e2e.platform.db.query(
          `select run_id from trigger_router.triggered_runs where workflow_id = $1`,
          [workflowId],
        );
        return runs.length > 0;
      },
      30_000,
      'the breach to start a run',
    );
    const services = ['riskloop-trigger-router', 'riskloop-runner', 'riskloop-relay', 'riskloop-kri-emitter'];
    await waitFor(
      () => services.every((s) => spans.some((span) => span.traceId === traceId && span.service === s)),
      30_000,
      'spans of the trace from every service on the breach path',
    );
    const inTrace = spans.filter((s) => s.traceId === traceId);
    expect(inTrace.some((s) => s.service === 'riskloop-trigger-router' && s.name.startsWith('consume'))).toBe(
      true,
    );
    expect(inTrace.some((s) => s.service === 'riskloop-relay' && s.name.startsWith('consume'))).toBe(true);
    expect(new Set(spans.map((s) => s.traceId)).size).toBeGreaterThan(1); // other work has traces of its own
  });
});
