/**
 * The transactional outbox of packages/db against real PostgreSQL and NATS JetStream: a crash on either
 * side of the publish loses nothing and sends nothing twice, and reconcilers running side by side split
 * the unsent rows between them.
 *
 * Messages go to the WORKFLOWS stream (limits retention), so what was stored can be counted after it is
 * consumed. A core NATS subscription on the same subjects sees every publish attempt, including the ones
 * JetStream drops as duplicates: that tells a re-send absorbed by dedupe from one that never happened.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, startConsumer, type BusConnection, type RunningConsumer } from '@riskloop/bus';
import { CloudEvent, cloudEvent, streams, subjects } from '@riskloop/contracts';
import { createOrm, createOutbox, outboxTableSql, type OutboxMessage } from '@riskloop/db';
import { createLogger } from '@riskloop/kit';
import {
  connectTestBus,
  createTestDatabase,
  natsUrl,
  runScript,
  waitFor,
  type TestBus,
  type TestDatabase,
} from '@riskloop/testkit';
import type { Subscription } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const schema = 'svc';
const log = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let db: TestDatabase;
let testBus: TestBus;
let bus: BusConnection;
let orm: MikroORM;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(`create schema "${schema}"`);
  for (const sql of outboxTableSql(schema)) await db.query(sql);
  testBus = await connectTestBus();
  bus = testBus.bus;
  orm = await createOrm({ url: db.url, schema, entities: [], migrations: [] });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await orm?.close();
  await testBus?.close();
  await db?.drop();
});

const outboxOf = (o: MikroORM) => createOutbox({ orm: o, schema, bus, log, graceMs: 0 });
const workflowsStream = () => bus.streamName(streams.workflows.name);
const activated = (tenant: string) => subjects.workflowEvent(tenant, 'activated');

function message(tenant: string, n = 0): OutboxMessage {
  return {
    subject: activated(tenant),
    event: cloudEvent({
      id: randomUUID(),
      source: 'test/outbox',
      type: 'test.workflow.activated',
      tenant,
      data: { n },
    }),
  };
}

async function stage(messages: OutboxMessage[]): Promise<void> {
  const outbox = outboxOf(orm);
  await orm.em.fork().transactional((tx) => outbox.stage(tx, messages));
}

/** Messages JetStream stored on one contract subject. */
async function stored(subject: string): Promise<number> {
  const real = bus.subject(subject);
  const info = await bus.jsm.streams.info(workflowsStream(), { subjects_filter: real });
  return info.state.subjects?.[real] ?? 0;
}

/** Every publish attempt on a contract subject, duplicates included. */
function publishAttempts(subject: string): { ids: string[]; sub: Subscription } {
  const ids: string[] = [];
  const sub = bus.nc.subscribe(bus.subject(subject), {
    callback: (_error, msg) => {
      ids.push(msg.json<CloudEvent>().id);
    },
  });
  closers.push(() => Promise.resolve(sub.unsubscribe()));
  return { ids, sub };
}

type Row = { id: string; sent_at: Date | null };
const rows = (tenant: string) =>
  db.query<Row>(`select id, sent_at from "${schema}"."outbox" where tenant_id = $1 order by id`, [tenant]);

describe('the outbox', () => {
  it('a process killed after commit and before publish still sends the message exactly once after restart', async () => {
    const tenant = 'crash';
    const id = randomUUID();
    const result = await runScript('test/fixtures/outbox-crash.ts', [], {
      DATABASE_URL: db.url,
      NATS_URL: natsUrl(),
      NATS_PREFIX: testBus.prefix,
      EVENT_ID: id,
      TENANT: tenant,
    });
    // It died by SIGKILL and never reached its own send.
    expect(result.signal, result.stderr).toBe('SIGKILL');
    expect(result.stdout).toContain('"msg":"staged"');
    expect(result.stdout).not.toContain('"msg":"sent"');
    expect(await rows(tenant)).toEqual([{ id, sent_at: null }]);
    expect(await stored(activated(tenant))).toBe(0);

    const received: string[] = [];
    const consumer: RunningConsumer = await startConsumer(bus, {
      stream: streams.workflows,
      durable: 'crash_reader',
      filter: activated(tenant),
      schema: CloudEvent,
      handle: (event) => {
        received.push(event.id);
        return Promise.resolve();
      },
    });
    closers.push(() => consumer.stop());

    // The restarted service's reconciler.
    const outbox = outboxOf(orm);
    expect(await outbox.reconcile()).toBe(1);
    await waitFor(() => received.length >= 1, 10_000, 'the re-sent message');
    expect(await outbox.reconcile()).toBe(0);
    await waitFor(
      async () => {
        const info = await bus.jsm.consumers.info(workflowsStream(), 'crash_reader');
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      10_000,
      'the consumer to ack',
    );
    expect(received).toEqual([id]);
    expect(await stored(activated(tenant))).toBe(1);
    const [row] = await rows(tenant);
    expect(row?.sent_at).toBeInstanceOf(Date);
  });

  // Regression: the mark-sent UPDATE was invalid SQL, so every sent row stayed unsent and was re-published.
  it('send publishes once and marks the rows sent, so the reconciler has nothing to re-send', async () => {
    const tenant = 'sent';
    const attempts = publishAttempts(activated(tenant));
    const messages = [message(tenant, 1), message(tenant, 2)];
    await stage(messages);
    const outbox = outboxOf(orm);
    await outbox.send(messages);
    // the marks are batched and written after `send` returns; `flush` writes them now
    await outbox.flush();

    expect((await rows(tenant)).map((r) => r.sent_at)).toEqual([expect.any(Date), expect.any(Date)]);
    expect(await outbox.reconcile()).toBe(0);
    await waitFor(() => attempts.ids.length >= 2, 5_000, 'both publishes');
    await bus.nc.flush();
    expect(attempts.ids).toEqual(messages.map((m) => m.event.id));
    expect(await stored(activated(tenant))).toBe(2);
  });

  it('a crash after publish and before mark-sent re-sends, and JetStream keeps one copy', async () => {
    const tenant = 'published';
    const attempts = publishAttempts(activated(tenant));
    const m = message(tenant);
    await stage([m]);
    // What `send` does before it marks the row: the crash comes between the two.
    await publishEvent(bus, m.subject, m.event, { msgId: m.event.id });
    expect(await rows(tenant)).toEqual([{ id: m.event.id, sent_at: null }]);

    const outbox = outboxOf(orm);
    expect(await outbox.reconcile()).toBe(1);
    expect(await outbox.reconcile()).toBe(0);
    await waitFor(() => attempts.ids.length >= 2, 5_000, 'both publish attempts');
    expect(attempts.ids).toEqual([m.event.id, m.event.id]);
    expect(await stored(activated(tenant))).toBe(1);
    const [row] = await rows(tenant);
    expect(row?.sent_at).toBeInstanceOf(Date);
  });

  it('two reconcilers running at once send each unsent row once (FOR UPDATE SKIP LOCKED)', async () => {
    const tenant = 'pair';
    const attempts = publishAttempts(activated(tenant));
    const messages = Array.from({ length: 100 }, (_, n) => message(tenant, n));
    await stage(messages);

    const other = await createOrm({ url: db.url, schema, entities: [], migrations: [] });
    closers.push(() => other.close());
    const counts = await Promise.all([outboxOf(orm).reconcile(), outboxOf(other).reconcile()]);
    expect(counts[0] + counts[1]).toBe(100);

    await waitFor(() => attempts.ids.length >= 100, 5_000, 'every publish attempt');
    await bus.nc.flush();
    expect(attempts.ids).toHaveLength(100);
    expect(new Set(attempts.ids)).toEqual(new Set(messages.map((m) => m.event.id)));
    expect(await stored(activated(tenant))).toBe(100);
    const unsent = (await rows(tenant)).filter((r) => r.sent_at === null);
    expect(unsent).toEqual([]);
    expect(await Promise.all([outboxOf(orm).reconcile(), outboxOf(other).reconcile()])).toEqual([0, 0]);
  });
});
