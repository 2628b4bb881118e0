/**
 * The audit log: every mutating call leaves an entry (refusals too), auditors read it with filters and a
 * cursor, the table refuses UPDATE/DELETE/TRUNCATE, concurrent writers make one gapless chain, and
 * `riskloop audit verify` names the entry a superuser edited and the one they deleted.
 */
import { publishEvent } from '@riskloop/bus';
import { cloudEvent, eventTypes, streams, subjects } from '@riskloop/contracts';
import { runScript, waitFor } from '@riskloop/testkit';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../services/gateway/src/audit/log.ts';
import { startPendingAudit } from '../services/gateway/src/audit/writer.ts';
import { startInProcessGateway, type InProcessGateway } from './fixtures/gateway-in-process.ts';

let gw: InProcessGateway;
const bus = () => gw.testBus.bus;
beforeAll(async () => {
  gw = await startInProcessGateway();
});
afterAll(async () => {
  await gw?.close();
});

const call = (method: string, path: string, key: string, body?: unknown) =>
  gw.app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

type Entry = { seq: number; actor: string; action: string; target: string; outcome: string; details: any };
const page = async (query = '', key = gw.keys.auditor) => {
  const response = await call('GET', `/api/audit-log${query}`, key);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Entry[]; nextCursor?: string };
};

async function entries(tenantId: string, n: number, actor = 'user:test') {
  for (let i = 0; i < n; i++)
    await appendAudit(gw.orm, {
      tenantId,
      actor,
      action: 'test.write',
      target: `t/${i}`,
      outcome: 'success',
    });
}

/** Run SQL as the superuser with triggers off: what an attacker with the database would do. */
async function tamper(sql: string, params: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: gw.db.url });
  await client.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describe('audit log', () => {
  it('records mutating calls with actor, action, target and outcome; refusals as denied; reads not at all', async () => {
    const before = (await page()).items.length;
    const created = await call('POST', '/api/api-keys', gw.keys.admin, { name: 'ci', role: 'operator' });
    expect(created.status).toBe(201);
    const keyId = ((await created.json()) as { keyId: string }).keyId;
    expect((await call('POST', '/api/api-keys', gw.keys.viewer, { name: 'x', role: 'admin' })).status).toBe(
      403,
    );
    expect((await call('DELETE', `/api/api-keys/${keyId}`, gw.keys.admin)).status).toBe(204);
    await call('GET', '/api/api-keys', gw.keys.admin);

    const { items } = await page();
    expect(items.length).toBe(before + 3);
    const [create, refused, revoke] = items.slice(-3);
    expect(create).toMatchObject({
      actor: `key:${/^rlk_(.{12})_/.exec(gw.keys.admin)?.[1]}`,
      action: 'POST /api/api-keys',
      target: '/api/api-keys',
      outcome: 'success',
      details: { keyId, role: 'operator' },
    });
    expect(refused).toMatchObject({ actor: 'user:viewer', outcome: 'denied', action: 'POST /api/api-keys' });
    expect(revoke).toMatchObject({ action: 'DELETE /api/api-keys/:keyId', target: `/api/api-keys/${keyId}` });
    expect(items[0]).toMatchObject({ seq: 1, actor: 'cli', action: 'tenant.create' });
  });

  it('is for auditors and admins, with filters and cursor pagination', async () => {
    expect((await call('GET', '/api/audit-log', gw.keys.author)).status).toBe(403);
    expect((await page('?outcome=denied')).items.map((e) => e.actor)).toEqual(['user:viewer']);
    await entries(gw.tenantId, 25, 'user:pager');
    const seqs: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = await page(`?actor=user:pager&limit=10${cursor ? `&cursor=${cursor}` : ''}`, gw.keys.admin);
      seqs.push(...p.items.map((e) => e.seq));
      cursor = p.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seqs).toHaveLength(25);
    expect(seqs.every((s, i) => i === 0 || s === (seqs[i - 1] ?? 0) + 1)).toBe(true);
    const bad = await call('GET', '/api/audit-log?limit=0', gw.keys.auditor);
    expect(bad.status).toBe(422);
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even from the superuser', async () => {
    for (const sql of [
      `update gateway.audit_log set actor = 'x' where tenant_id = $1`,
      `delete from gateway.audit_log where tenant_id = $1`,
    ])
      await expect(gw.db.query(sql, [gw.tenantId])).rejects.toThrow(/append-only/);
    await expect(gw.db.query('truncate gateway.audit_log')).rejects.toThrow(/append-only/);
    expect((await verifyAudit(gw.orm, gw.tenantId))[0]).toMatchObject({ ok: true });
  });

  it('10 concurrent writers x 1,000 entries make one gapless chain that verifies', async () => {
    const tenantId = randomUUID();
    await Promise.all(Array.from({ length: 10 }, (_, w) => entries(tenantId, 1000, `user:w${w}`)));
    const [verdict] = await verifyAudit(gw.orm, tenantId);
    expect(verdict).toEqual({ tenantId, entries: 10_000, ok: true });
    const [range] = await gw.db.query<{ min: string; max: string; n: string }>(
      'select min(seq), max(seq), count(*) as n from gateway.audit_log where tenant_id = $1',
      [tenantId],
    );
    expect(range).toEqual({ min: '1', max: '10000', n: '10000' });
    // ~14 ms an entry on a loaded 2-core machine: minutes, not seconds.
  }, 600_000);

  it('verify names the entry a superuser edited, the one they deleted, and a cut-off tail', async () => {
    const [edited, deleted, cut] = [randomUUID(), randomUUID(), randomUUID()];
    for (const t of [edited, deleted, cut]) await entries(t, 50);
    await tamper(`update gateway.audit_log set actor = 'user:mallory' where tenant_id = $1 and seq = 17`, [
      edited,
    ]);
    await tamper(`delete from gateway.audit_log where tenant_id = $1 and seq = 33`, [deleted]);
    await tamper(`delete from gateway.audit_log where tenant_id = $1 and seq > 45`, [cut]);

    const [e] = await verifyAudit(gw.orm, edited);
    expect(e?.problem).toEqual({
      seq: 17,
      reason: 'entry 17 was altered: its hash does not match its content',
    });
    const [d] = await verifyAudit(gw.orm, deleted);
    expect(d?.problem).toEqual({ seq: 33, reason: 'entry 33 missing (entry 34 follows entry 32)' });
    const [c] = await verifyAudit(gw.orm, cut);
    expect(c?.problem?.seq).toBe(46);

    // The operator's command says the same, and fails.
    const cli = await runScript('services/gateway/src/cli/main.ts', ['audit', 'verify', '--tenant', edited], {
      DATABASE_URL: gw.db.url,
    });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`BROKEN  ${edited}  at entry 17: entry 17 was altered`);
    const all = await runScript('services/gateway/src/cli/main.ts', ['audit', 'verify', '--json'], {
      DATABASE_URL: gw.db.url,
    });
    const verdicts = JSON.parse(all.stdout) as { tenantId: string; ok: boolean }[];
    expect(verdicts.find((v) => v.tenantId === gw.tenantId)?.ok).toBe(true);
    expect(
      verdicts
        .filter((v) => !v.ok)
        .map((v) => v.tenantId)
        .sort(),
    ).toEqual([edited, deleted, cut].sort());
  });
});

describe('an audit entry the database refuses when the call is answered', () => {
  it('is written later from the bus, once, and the chain still verifies', async () => {
    const pending = await startPendingAudit(gw.orm, gw.testBus.bus);
    const admin = new pg.Client({ connectionString: gw.db.url });
    await admin.connect();
    try {
      await admin.query(`create function gateway.refuse_audit() returns trigger language plpgsql as
        $$ begin raise exception 'audit storage unavailable'; end $$`);
      await admin.query(`create trigger refuse_audit before insert on gateway.audit_log
        for each row execute function gateway.refuse_audit()`);
      const answer = await call('POST', '/api/api-keys', gw.keys.admin, {
        name: 'deferred-bot',
        role: 'viewer',
      });
      expect(answer.status).toBe(201);
      const target = '/api/api-keys';
      const written = () =>
        gw.orm.em
          .fork()
          .execute<{ id: string; details: Record<string, unknown> }[]>(
            `select id, details from gateway.audit_log where tenant_id = ? and details->>'name' = 'deferred-bot'`,
            [gw.tenantId],
          );
      expect(await written()).toEqual([]);
      const stream = bus().jsm.streams.info(bus().streamName(streams.audit.name));
      expect((await stream).state.messages).toBe(1);

      await admin.query(`drop trigger refuse_audit on gateway.audit_log`);
      const rows = await waitFor(async () => ((await written()).length > 0 ? written() : undefined), 30_000);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.details).toMatchObject({ deferred: true, name: 'deferred-bot' });

      // the same pending entry delivered again (past the dedupe window) lands nothing new
      const [entry] = await gw.orm.em
        .fork()
        .execute<{ actor: string; action: string; outcome: string; status: number }[]>(
          `select actor, action, outcome, status from gateway.audit_log where id = ?`,
          [rows[0]!.id],
        );
      await publishEvent(
        bus(),
        subjects.auditPending(gw.tenantId),
        cloudEvent({
          id: rows[0]!.id,
          source: 'test',
          type: eventTypes.auditPending,
          tenant: gw.tenantId,
          data: { id: rows[0]!.id, ...entry, target, details: {}, answeredAt: new Date().toISOString() },
        }),
        { msgId: `${rows[0]!.id}:again` },
      );
      await waitFor(
        async () => (await bus().jsm.streams.info(bus().streamName(streams.audit.name))).state.messages === 0,
        30_000,
      );
      expect(await written()).toHaveLength(1);
      expect((await verifyAudit(gw.orm, gw.tenantId))[0]).toMatchObject({ ok: true });
    } finally {
      await admin.query(`drop trigger if exists refuse_audit on gateway.audit_log`);
      await admin.end();
      await pending.stop();
    }
  });
});
