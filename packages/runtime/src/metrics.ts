/**
 * The process's metrics server (`METRICS_PORT`): started once per process, however many services share
 * it (`npm start`), and closed at shutdown.
 */
import { serveMetrics, type Lifecycle, type Logger, type MetricsServer } from '@riskloop/kit';
import type { CommonEnv } from './env.ts';

let started: Promise<MetricsServer> | undefined;

/** The port `/metrics` is served on, or undefined when `METRICS_PORT` is unset. */
export async function startProcessMetrics(
  env: CommonEnv,
  lifecycle: Lifecycle,
  log: Logger,
): Promise<number | undefined> {
  if (env.METRICS_PORT === undefined) return undefined;
  if (!started) {
    started = serveMetrics({
      port: env.METRICS_PORT,
      host: env.METRICS_HOST,
      onError: (error) => log.warn({ err: error }, 'metrics collection failed'),
    });
    const server = await started;
    lifecycle.onShutdown('metrics server', () => server.close());
  }
  return (await started).port;
}
