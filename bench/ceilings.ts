/**
 * The machine's ceilings, measured on the same servers the platform uses: single-row INSERT + COMMIT on
 * PostgreSQL with 1 and 8 clients (fsync and synchronous_commit as the server has them), and JetStream
 * publish-with-ack, one at a time and with a window of 256 in flight. Every figure of the bench is also
 * given as a ratio to these.
 */
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { BusConnection } from '@riskloop/bus';
import pg from 'pg';

export interface Ceilings {
  pgCommitsPerSec1: number;
  pgCommitsPerSec8: number;
  jsPublishAckPerSec1: number;
  jsPublishAckPerSec256: number;
  pgSettings: { fsync: string; synchronousCommit: string };
}

async function commitRate(url: string, clients: number, seconds: number): Promise<number> {
  const pool = Array.from({ length: clients }, () => {
    const client = new pg.Client({ connectionString: url });
    // A connection ended by the server fails its query; without a listener it would crash the bench.
    client.on('error', () => undefined);
    return client;
  });
  await Promise.all(pool.map((c) => c.connect()));
  try {
    await pool[0]?.query('create table if not exists bench_ceiling (id bigserial primary key, v int)');
    let count = 0;
    const until = Date.now() + seconds * 1000;
    const started = Date.now();
    await Promise.all(
      pool.map(async (client) => {
        while (Date.now() < until) {
          await client.query('insert into bench_ceiling (v) values ($1)', [count]);
          count += 1;
        }
      }),
    );
    return Math.round(count / ((Date.now() - started) / 1000));
  } finally {
    await pool[0]?.query('drop table if exists bench_ceiling');
    await Promise.all(pool.map((c) => c.end()));
  }
}

async function publishRate(bus: BusConnection, window: number, seconds: number): Promise<number> {
  const name = bus.streamName('BENCH_CEILING');
  const subject = bus.subject('bench.ceiling');
  await bus.jsm.streams.add({
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_msgs: 100_000,
  });
  try {
    const payload = JSON.stringify({ specversion: '1.0', data: { padding: 'x'.repeat(400) } });
    let count = 0;
    const until = Date.now() + seconds * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (Date.now() < until) {
          await bus.js.publish(subject, payload, { msgID: `c-${window}-${count}` });
          count += 1;
        }
      }),
    );
    return Math.round(count / ((Date.now() - started) / 1000));
  } finally {
    await bus.jsm.streams.delete(name);
  }
}

export async function measureCeilings(
  databaseUrl: string,
  bus: BusConnection,
  seconds: number,
): Promise<Ceilings> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const setting = async (name: string) =>
    String(((await client.query(`show ${name}`)).rows[0] as Record<string, string>)[name]);
  const pgSettings = {
    fsync: await setting('fsync'),
    synchronousCommit: await setting('synchronous_commit'),
  };
  await client.end();
  return {
    pgCommitsPerSec1: await commitRate(databaseUrl, 1, seconds),
    pgCommitsPerSec8: await commitRate(databaseUrl, 8, seconds),
    jsPublishAckPerSec1: await publishRate(bus, 1, seconds),
    jsPublishAckPerSec256: await publishRate(bus, 256, seconds),
    pgSettings,
  };
}
