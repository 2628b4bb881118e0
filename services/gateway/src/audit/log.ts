/**
 * Writing, reading and verifying the audit log. Writers of one tenant take turns on the tenant's head row
 * (`FOR UPDATE`), so the sequence has no gaps and each entry follows the one before it; tenants do not wait
 * for each other. `verifyAudit` walks a chain and reports the first entry that is missing, altered or out of
 * place, and a tail cut off behind the head.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { entryHash, genesisHash, type AuditBody, type AuditOutcome, type AuditRecord } from './chain.ts';

export interface AuditInput {
  tenantId: string;
  /** The entry's id; given, an entry with it already in the chain is not appended again. */
  id?: string;
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  status?: number;
  details?: Record<string, unknown>;
}

interface Row {
  tenant_id: string;
  seq: string | number;
  id: string;
  /** ISO 8601 (selected through `to_json`, so that no driver reformats it). */
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  status: number | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const toRecord = (r: Row): AuditRecord => ({
  tenantId: r.tenant_id,
  seq: Number(r.seq),
  id: r.id,
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  status: r.status,
  details: r.details,
  prevHash: r.prev_hash,
  hash: r.hash,
});

const columns = `"tenant_id", "seq", "id", to_json("at") #>> '{}' as "at", "actor", "action", "target", "outcome", "status", "details", "prev_hash", "hash"`;

/** Append one entry to its tenant's chain, in a transaction of its own. */
export async function appendAudit(orm: MikroORM, input: AuditInput): Promise<AuditRecord> {
  return orm.em.fork().transactional((tx) => appendIn(tx, input));
}

async function appendIn(tx: EntityManager, input: AuditInput): Promise<AuditRecord> {
  // Create the tenant's head on its first entry, and lock it: writers of one tenant take turns here.
  const [head] = await tx.execute<{ seq: string; hash: string }[]>(
    `insert into "gateway"."audit_heads" ("tenant_id", "seq", "hash") values (?, 0, ?)
     on conflict ("tenant_id") do update set "seq" = "audit_heads"."seq" returning "seq", "hash"`,
    [input.tenantId, genesisHash],
  );
  if (input.id) {
    const [existing] = await tx.execute<Row[]>(
      `select ${columns} from "gateway"."audit_log" where "tenant_id" = ? and "id" = ?`,
      [input.tenantId, input.id],
    );
    if (existing) return toRecord(existing); // written before: a redelivered pending entry
  }
  const body: AuditBody = {
    tenantId: input.tenantId,
    seq: Number(head?.seq ?? 0) + 1,
    id: input.id ?? randomUUID(),
    at: new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    outcome: input.outcome,
    status: input.status ?? null,
    // Through JSON once, so that what is hashed is what jsonb gives back.
    details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
    prevHash: head?.hash ?? genesisHash,
  };
  const hash = entryHash(body);
  await tx.execute(
    `with entry as (
       insert into "gateway"."audit_log" ("tenant_id", "seq", "id", "at", "actor", "action", "target", "outcome", "status", "details", "prev_hash", "hash")
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning "tenant_id", "seq", "hash")
     update "gateway"."audit_heads" h set "seq" = entry."seq", "hash" = entry."hash" from entry where h."tenant_id" = entry."tenant_id"`,
    [
      body.tenantId,
      body.seq,
      body.id,
      body.at,
      body.actor,
      body.action,
      body.target,
      body.outcome,
      body.status,
      JSON.stringify(body.details),
      body.prevHash,
      hash,
    ],
  );
  return { ...body, hash };
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Entries whose target starts with this. */
  target?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** The cursor: entries after this sequence number. */
  after?: number | undefined;
  limit: number;
}

/** A page of the tenant's entries in sequence order; `nextCursor` while more may follow. */
export async function listAudit(
  orm: MikroORM,
  tenantId: string,
  filter: AuditFilter,
): Promise<{ items: AuditRecord[]; nextCursor?: string }> {
  const where = ['"tenant_id" = ?', '"seq" > ?'];
  const params: unknown[] = [tenantId, filter.after ?? 0];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.actor) add('"actor" = ?', filter.actor);
  if (filter.action) add('"action" = ?', filter.action);
  if (filter.outcome) add('"outcome" = ?', filter.outcome);
  if (filter.target) add(`starts_with("target", ?)`, filter.target);
  if (filter.since) add('"at" >= ?', filter.since);
  if (filter.until) add('"at" < ?', filter.until);
  const rows = await orm.em
    .fork()
    .execute<Row[]>(
      `select ${columns} from "gateway"."audit_log" where ${where.join(' and ')} order by "seq" limit ?`,
      [...params, filter.limit + 1],
    );
  const items = rows.slice(0, filter.limit).map(toRecord);
  const last = items.at(-1);
  return rows.length > filter.limit && last ? { items, nextCursor: String(last.seq) } : { items };
}

export interface AuditVerdict {
  tenantId: string;
  /** Entries read. */
  entries: number;
  ok: boolean;
  /** The first problem: the sequence number it is at, and what is wrong there. */
  problem?: { seq: number; reason: string };
}

/** Walk one tenant's chain from the first entry; stop at the first problem. */
export async function verifyTenantAudit(orm: MikroORM, tenantId: string): Promise<AuditVerdict> {
  const em = orm.em.fork();
  let previous = { seq: 0, hash: genesisHash };
  let entries = 0;
  const fail = (seq: number, reason: string): AuditVerdict => ({
    tenantId,
    entries,
    ok: false,
    problem: { seq, reason },
  });
  for (;;) {
    const rows = await em.execute<Row[]>(
      `select ${columns} from "gateway"."audit_log" where "tenant_id" = ? and "seq" > ? order by "seq" limit 1000`,
      [tenantId, previous.seq],
    );
    for (const row of rows) {
      const record = toRecord(row);
      entries++;
      const expected = previous.seq + 1;
      if (record.seq !== expected) {
        const missing = record.seq - 1 === expected ? `${expected}` : `${expected} to ${record.seq - 1}`;
        return fail(expected, `entry ${missing} missing (entry ${record.seq} follows entry ${previous.seq})`);
      }
      if (record.prevHash !== previous.hash)
        return fail(
          record.seq,
          `entry ${record.seq} does not follow entry ${previous.seq}: its previous hash differs`,
        );
      const { hash, ...body } = record;
      if (entryHash(body) !== hash)
        return fail(record.seq, `entry ${record.seq} was altered: its hash does not match its content`);
      previous = { seq: record.seq, hash };
    }
    if (rows.length < 1000) break;
  }
  const [head] = await em.execute<{ seq: string; hash: string }[]>(
    `select "seq", "hash" from "gateway"."audit_heads" where "tenant_id" = ?`,
    [tenantId],
  );
  const headSeq = Number(head?.seq ?? 0);
  if (headSeq > previous.seq)
    return fail(
      previous.seq + 1,
      `entries ${previous.seq + 1} to ${headSeq} missing (the chain's head is at ${headSeq})`,
    );
  if (head && head.hash !== previous.hash)
    return fail(headSeq, `the chain's head hash differs from entry ${headSeq}'s`);
  return { tenantId, entries, ok: true };
}

/** Every tenant with an audit chain (or only `tenantId`). */
export async function verifyAudit(orm: MikroORM, tenantId?: string): Promise<AuditVerdict[]> {
  const tenants = tenantId
    ? [tenantId]
    : (
        await orm.em
          .fork()
          .execute<{ tenant_id: string }[]>(
            `select "tenant_id" from "gateway"."audit_heads" union select distinct "tenant_id" from "gateway"."audit_log" order by 1`,
          )
      ).map((r) => r.tenant_id);
  const verdicts: AuditVerdict[] = [];
  for (const t of tenants) verdicts.push(await verifyTenantAudit(orm, t));
  return verdicts;
}
