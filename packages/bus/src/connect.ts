/**
 * A connection to NATS and JetStream with the deployment's subject prefix. Everything a service does on
 * the bus goes through the `Bus` this returns.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@riskloop/kit';

export interface BusOptions {
  /** e.g. `nats://127.0.0.1:4222`; comma-separated for a cluster. */
  servers: string;
  /** Connection name shown by the server's monitoring. */
  name: string;
  /**
   * Prepended to every subject (`<prefix>.run.start.t1`) and stream name (`<prefix>_RUNS`), so that
   * deployments or test files sharing one server never see each other's messages.
   */
  prefix?: string;
  log: Logger;
}

export interface BusConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  log: Logger;
  /** The connection name (the service): the `service` label of its metrics. */
  service: string;
  /** The real subject for a contract subject. */
  subject(subject: string): string;
  /** The contract subject for a real one (prefix removed). */
  unprefix(subject: string): string;
  /** The real stream name for a contract stream name. */
  streamName(name: string): string;
}

export async function connectBus(options: BusOptions): Promise<BusConnection> {
  const nc = await connect({
    servers: options.servers.split(','),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Otherwise every request and JetStream publish builds an Error for its stack, in case it fails: about
    // 2 % of each service's CPU under load. Our errors name the subject instead.
    noAsyncTraces: true,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const prefix = options.prefix ? `${options.prefix}.` : '';
  return {
    nc,
    js,
    jsm,
    log: options.log,
    service: options.name,
    subject: (subject) => `${prefix}${subject}`,
    unprefix: (subject) => (prefix && subject.startsWith(prefix) ? subject.slice(prefix.length) : subject),
    streamName: (name) => (options.prefix ? `${options.prefix}_${name}` : name),
  };
}
