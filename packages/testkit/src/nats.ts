/** A NATS prefix per test file, so files sharing one server never see each other's streams. */
import { connectBus, ensureStreams, type BusConnection } from '@riskloop/bus';
import { streams } from '@riskloop/contracts';
import { createLogger } from '@riskloop/kit';
import { randomBytes } from 'node:crypto';

export function natsUrl(): string {
  return process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
}

export function testPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export interface TestBus {
  bus: BusConnection;
  prefix: string;
  /** Delete this prefix's streams and close the connection. */
  close(): Promise<void>;
}

export async function connectTestBus(
  prefix = testPrefix(),
  options: { provision?: boolean } = {},
): Promise<TestBus> {
  const bus = await connectBus({
    servers: natsUrl(),
    name: `test-${prefix}`,
    prefix,
    log: createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  if (options.provision !== false) await ensureStreams(bus, Object.values(streams));
  return {
    bus,
    prefix,
    async close() {
      for await (const name of bus.jsm.streams.names()) {
        if (name.startsWith(`${prefix}_`)) await bus.jsm.streams.delete(name);
      }
      await bus.nc.drain();
    },
  };
}
