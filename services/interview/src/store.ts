/**
 * Interviews in PostgreSQL. A turn is committed with the interview's new state in one transaction, guarded
 * by the row version (two messages answered at once: the second is a 409). Confirming archives the
 * transcript once (its hash is then fixed); turns and archives are append-only in the database itself.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { TranscriptTurn } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Interview, InterviewTurn, ArchivedTranscript, TenantSettings } from './db/entities.ts';
import { transcriptHash } from './hash.ts';
import type { InterviewState } from './interviewer.ts';

export interface InterviewRecord {
  id: string;
  tenantId: string;
  status: 'open' | 'confirmed' | 'abandoned';
  model: string | null;
  workflowId: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  resultWorkflowId: string | null;
  resultVersion: number | null;
  transcriptHash: string | null;
  rowVersion: number;
  state: InterviewState;
}

/** The state column holds everything but the turns (they have their own table). */
type StoredState = Omit<InterviewState, 'turns'>;

function turnOf(row: {
  seq: number;
  role: string;
  text: string;
  at: Date;
  facts?: Record<string, unknown> | null;
}): TranscriptTurn {
  return {
    seq: row.seq,
    role: row.role as TranscriptTurn['role'],
    text: row.text,
    at: row.at.toISOString(),
    ...(row.facts ?? {}),
  };
}

function stored(state: InterviewState): StoredState {
  const { turns: _turns, ...rest } = state;
  return rest;
}

async function insertTurns(
  em: EntityManager,
  tenant: string,
  id: string,
  turns: readonly TranscriptTurn[],
): Promise<void> {
  for (const t of turns) {
    const { seq, role, text, at, ...facts } = t;
    await em.insert(InterviewTurn, {
      interviewId: id,
      seq,
      tenantId: tenant,
      role,
      text,
      at: new Date(at),
      facts: Object.keys(facts).length > 0 ? facts : null,
    });
  }
}

export function createStore(orm: MikroORM) {
  const store = {
    async create(
      record: Omit<InterviewRecord, 'rowVersion' | 'resultWorkflowId' | 'resultVersion' | 'transcriptHash'>,
    ): Promise<void> {
      await orm.em.fork().transactional(async (tx) => {
        await tx.insert(Interview, {
          id: record.id,
          tenantId: record.tenantId,
          status: record.status,
          mode: record.state.mode,
          model: record.model,
          goal: record.state.goal,
          workflowId: record.workflowId,
          state: stored(record.state) as unknown as Record<string, unknown>,
          createdBy: record.createdBy,
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
          resultWorkflowId: null,
          resultVersion: null,
          transcriptHash: null,
          rowVersion: 1,
        });
        await insertTurns(tx, record.tenantId, record.id, record.state.turns);
      });
    },

    async load(tenant: string, id: string): Promise<InterviewRecord> {
      const em = orm.em.fork();
      const row = await em.findOne(Interview, { id, tenantId: tenant });
      if (!row) throw RiskloopError.notFound('interview', id);
      const turns = await em.find(InterviewTurn, { interviewId: id }, { orderBy: { seq: 'asc' } });
      const state = row.state as unknown as StoredState;
      return {
        id: row.id,
        tenantId: row.tenantId,
        status: row.status as InterviewRecord['status'],
        model: row.model ?? null,
        workflowId: row.workflowId ?? null,
        createdBy: row.createdBy,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
        resultWorkflowId: row.resultWorkflowId ?? null,
        resultVersion: row.resultVersion ?? null,
        transcriptHash: row.transcriptHash ?? null,
        rowVersion: row.rowVersion,
        state: { ...state, mode: row.mode as InterviewState['mode'], turns: turns.map(turnOf) },
      };
    },

    /** Commit a turn: the new turns and state, only if nobody changed the interview since `record` was read. */
    async saveTurn(record: InterviewRecord, next: InterviewState, now: Date): Promise<void> {
      const fresh = next.turns.slice(record.state.turns.length);
      await orm.em.fork().transactional(async (tx) => {
        const updated = await tx.execute<{ id: string }[]>(
          `update "interview"."interviews" set state = ?::jsonb, mode = ?, updated_at = ?, row_version = row_version + 1
           where id = ? and row_version = ? and status = 'open' and transcript_hash is null returning id`,
          [JSON.stringify(stored(next)), next.mode, now, record.id, record.rowVersion],
        );
        if (updated.length === 0) {
          throw RiskloopError.conflict(
            'the interview changed while this message was answered (another message, or a confirm); reload it',
          );
        }
        await insertTurns(tx, record.tenantId, record.id, fresh);
      });
    },

    /** Archive the transcript once and fix its hash; a repeated confirm gets the hash recorded the first time. */
    async archive(record: InterviewRecord, now: Date): Promise<string> {
      if (record.transcriptHash) return record.transcriptHash;
      const hash = transcriptHash(record.state.turns);
      await orm.em.fork().transactional(async (tx) => {
        const updated = await tx.execute<{ id: string }[]>(
          `update "interview"."interviews" set transcript_hash = ?, updated_at = ?, row_version = row_version + 1
           where id = ? and row_version = ? and status = 'open' returning id`,
          [hash, now, record.id, record.rowVersion],
        );
        if (updated.length === 0)
          throw RiskloopError.conflict('the interview changed while it was being confirmed; confirm again');
        await tx.insert(ArchivedTranscript, {
          interviewId: record.id,
          tenantId: record.tenantId,
          hash,
          turns: record.state.turns,
          archivedAt: now,
        });
      });
      return hash;
    },

    async finish(
      record: InterviewRecord,
      change: { status: 'confirmed' | 'abandoned'; workflowId?: string; version?: number },
      now: Date,
    ): Promise<void> {
      await orm.em.fork().execute(
        `update "interview"."interviews" set status = ?, result_workflow_id = ?, result_version = ?, updated_at = ?, row_version = row_version + 1
         where id = ? and status = 'open'`,
        [change.status, change.workflowId ?? null, change.version ?? null, now, record.id],
      );
    },

    async archived(tenant: string, id: string) {
      return orm.em.fork().findOne(ArchivedTranscript, { interviewId: id, tenantId: tenant });
    },

    async model(tenant: string): Promise<string | null> {
      return (await orm.em.fork().findOne(TenantSettings, { tenantId: tenant }))?.model ?? null;
    },

    async setModel(tenant: string, model: string | null, actor: string): Promise<void> {
      await orm.em
        .fork()
        .upsert(TenantSettings, { tenantId: tenant, model, updatedBy: actor, updatedAt: new Date() });
    },
  };
  return store;
}

export type Store = ReturnType<typeof createStore>;
