/**
 * Prometheus metrics (prom-client): one registry per process with the default process metrics, and the
 * counters and histograms every service records into. Each metric carries a `service` label, so that
 * services sharing one process (`npm start`) stay apart. `serveMetrics` answers `GET /metrics`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isReady } from './ready.ts';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'riskloop_' });

/** Seconds; from 1 ms to 30 s. */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The metrics services record. Names and labels are the contract with dashboards: change them with care. */
export const metrics = {
  /** Bus messages a consumer finished with: `ack`, `retry` (nak) or `dead_letter`. */
  messages: new Counter({
    name: 'riskloop_messages_total',
    help: 'Bus messages handled, by consumer and outcome',
    labelNames: ['service', 'consumer', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  /** Handler time of one bus message. */
  messageSeconds: new Histogram({
    name: 'riskloop_message_handle_seconds',
    help: 'Time to handle one bus message, by consumer',
    labelNames: ['service', 'consumer'] as const,
    buckets: latencyBuckets,
    registers: [metricsRegistry],
  }),
  /** Messages dead-lettered (poison, or out of deliveries). */
  deadLetters: new Counter({
    name: 'riskloop_dead_letters_total',
    help: 'Messages dead-lettered, by consumer',
    labelNames: ['service', 'consumer'] as const,
    registers: [metricsRegistry],
  }),
  /** Messages a consumer has not yet been delivered (JetStream num_pending), read at scrape time. */
  consumerLag: new Gauge({
    name: 'riskloop_consumer_lag',
    help: 'Messages waiting for a consumer (JetStream num_pending)',
    labelNames: ['service', 'consumer'] as const,
    registers: [metricsRegistry],
  }),
  /** Runs created by the runner. */
  runsStarted: new Counter({
    name: 'riskloop_runs_started_total',
    help: 'Runs started',
    labelNames: ['service'] as const,
    registers: [metricsRegistry],
  }),
  /** Runs that reached a final status. */
  runsFinished: new Counter({
    name: 'riskloop_runs_finished_total',
    help: 'Runs finished, by status',
    labelNames: ['service', 'status'] as const,
    registers: [metricsRegistry],
  }),
  /** Runs by status in the database, read at scrape time. */
  runsByStatus: new Gauge({
    name: 'riskloop_runs',
    help: 'Runs by status (database count at scrape time)',
    labelNames: ['service', 'status'] as const,
    registers: [metricsRegistry],
  }),
  /** Events applied to runs (one state transition each, in one transaction). */
  runEvents: new Counter({
    name: 'riskloop_run_events_total',
    help: 'Events applied to runs, by event type',
    labelNames: ['service', 'type'] as const,
    registers: [metricsRegistry],
  }),
  /** Step commands sent, by step kind. */
  stepsDispatched: new Counter({
    name: 'riskloop_steps_dispatched_total',
    help: 'Step commands dispatched, by kind',
    labelNames: ['service', 'kind'] as const,
    registers: [metricsRegistry],
  }),
  /** From a step's command to its result applied to the run. */
  stepSeconds: new Histogram({
    name: 'riskloop_step_seconds',
    help: 'Step latency from its start to its result, by outcome',
    labelNames: ['service', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [metricsRegistry],
  }),
  /** External effects the relay finished, by kind and outcome. */
  deliveries: new Counter({
    name: 'riskloop_deliveries_total',
    help: 'Deliveries (external effects) by step kind and outcome',
    labelNames: ['service', 'kind', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  deliverySeconds: new Histogram({
    name: 'riskloop_delivery_seconds',
    help: 'Time to perform one delivery, retries included, by step kind',
    labelNames: ['service', 'kind'] as const,
    buckets: latencyBuckets,
    registers: [metricsRegistry],
  }),
  /** How late a durable timer fired after its due time. */
  timerLag: new Histogram({
    name: 'riskloop_timer_lag_seconds',
    help: 'Delay between a timer being due and firing',
    labelNames: ['service'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [metricsRegistry],
  }),
  /** Outbox rows published (after commit, or re-sent by the reconciler). */
  outboxPublished: new Counter({
    name: 'riskloop_outbox_published_total',
    help: 'Outbox messages published, by path (after_commit or reconcile)',
    labelNames: ['service', 'path'] as const,
    registers: [metricsRegistry],
  }),
};

/** Gauges read at scrape time (consumer lag, runs by status): registered by whoever can read them. */
const collectors = new Set<() => Promise<void>>();

/** Run `collect` before each scrape; returns a function that unregisters it. */
export function onScrape(collect: () => Promise<void>): () => void {
  collectors.add(collect);
  return () => collectors.delete(collect);
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  port: number;
  host: string;
  /** Called when a scrape-time collector fails (the scrape still answers). */
  onError?: (error: unknown) => void;
}

/**
 * Serve `GET /metrics` in the Prometheus text format, and the probes of a container orchestrator:
 * `GET /healthz` (200 while the process answers; runs no collector, so it is cheap) and `GET /readyz`
 * (503 until the process has signalled ready, then 200).
 * @example const server = await serveMetrics({ port: 9464, host: '0.0.0.0' });
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = req.method === 'GET' ? req.url?.split('?')[0] : undefined;
    if (path === '/healthz' || path === '/readyz') {
      const up = path === '/healthz' || isReady();
      res.writeHead(up ? 200 : 503, { 'content-type': 'text/plain' }).end(up ? 'ok\n' : 'starting\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void (async () => {
      await Promise.all(
        [...collectors].map((collect) =>
          collect().catch((error: unknown) => {
            options.onError?.(error);
          }),
        ),
      );
      const body = await metricsRegistry.metrics();
      res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body);
    })().catch((error: unknown) => {
      options.onError?.(error);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
