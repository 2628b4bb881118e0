/**
 * The registry's domain: workflows and their immutable versions. Creating makes a draft at version 1;
 * every edit is a new version with a reason (on an active workflow the new version becomes the one new
 * runs start on; runs in flight keep theirs); lifecycle moves follow `lifecycle.ts`. Each change writes a
 * change-log entry (actor, diff, reason) and announces itself on the bus through the outbox.
 */
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import {
  cloudEvent,
  eventTypes,
  subjects,
  WorkflowDefinition,
  type ChangeLogView,
  type VersionView,
  type WorkflowChanged,
  type WorkflowStatus,
  type WorkflowSummary,
  type WorkflowView,
} from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { validateDefinition } from '@riskloop/definitions';
import { RiskloopError } from '@riskloop/kit';
import diff from 'microdiff';
import { randomUUID } from 'node:crypto';
import { ChangeLogEntry, Workflow, WorkflowVersion } from './db/entities.ts';
import { changeApprovalOn, checkActivation } from './change-approval.ts';
import { transitionOf, type LifecycleAction } from './lifecycle.ts';
import { decodeCursor, encodeCursor, toSummary, toView } from './views.ts';

/** Where a version came from (an interview), recorded on it. */
export type Provenance = { interviewId: string } & Record<string, unknown>;

export interface RegistryOptions {
  orm: MikroORM;
  outbox: Outbox;
  /** Rules that need another service (registered remediation actions); throws to refuse the save. */
  check?: (tenant: string, definition: WorkflowDefinition) => Promise<void>;
}

export interface ListFilter {
  name?: string | undefined;
  status?: WorkflowStatus | undefined;
  tag?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Validate a definition or throw a 422 listing every error with its path. */
export function parseDefinition(input: unknown): WorkflowDefinition {
  const result = validateDefinition(input);
  if (result.ok) return result.definition;
  const first = result.errors[0];
  throw RiskloopError.invalid(
    first ? `${first.path || 'definition'}: ${first.message}` : 'invalid definition',
    first?.path,
    { errors: result.errors },
  );
}

export function createRegistry(options: RegistryOptions) {
  const { orm, outbox } = options;
  const check = options.check ?? (() => Promise.resolve());

  const load = async (em: EntityManager, tenant: string, id: string) => {
    const workflow = await em.findOne(Workflow, { id, tenantId: tenant });
    if (!workflow) throw RiskloopError.notFound('workflow', id);
    return workflow;
  };

  const definitionOf = async (em: EntityManager, workflowId: string, version: number) =>
    (await em.findOneOrFail(WorkflowVersion, { workflowId, version })).definition;

  const announce = (
    tenant: string,
    event: keyof typeof eventTypes & `workflow${string}`,
    data: WorkflowChanged,
  ): OutboxMessage => ({
    subject: subjects.workflowEvent(tenant, eventTypes[event].split('.').at(-1) ?? 'changed'),
    event: cloudEvent({
      id: randomUUID(),
      source: 'riskloop/registry',
      type: eventTypes[event],
      tenant,
      data,
    }),
  });

  const logChange = (
    tx: EntityManager,
    entry: {
      tenant: string;
      workflowId: string;
      version: number;
      actor: string;
      action: ChangeLogView['action'];
      reason?: string | null;
      diff: unknown;
    },
  ) =>
    tx.insert(ChangeLogEntry, {
      id: randomUUID(),
      tenantId: entry.tenant,
      workflowId: entry.workflowId,
      version: entry.version,
      actor: entry.actor,
      action: entry.action,
      reason: entry.reason ?? null,
      diff: entry.diff,
      at: new Date(),
    });

  /** Run `work` in a transaction; stage and then send the messages it returns. */
  const mutate = async (work: (tx: EntityManager) => Promise<OutboxMessage[]>): Promise<void> => {
    const messages = await orm.em.fork().transactional(async (tx) => {
      const out = await work(tx);
      await outbox.stage(tx, out);
      return out;
    });
    await outbox.send(messages);
  };

  /** The workflow an interview already saved, if it did: confirming twice saves once. */
  const savedBy = async (tenant: string, provenance?: Provenance): Promise<string | undefined> => {
    if (!provenance) return undefined;
    const rows = await orm.em
      .fork()
      .execute<{ workflow_id: string }[]>(
        `select workflow_id from "registry"."workflow_versions" where provenance->>'interviewId' = ? and tenant_id = ?`,
        [provenance.interviewId, tenant],
      );
    return rows[0]?.workflow_id;
  };

  /** `work`, unless the interview already saved; a concurrent duplicate loses on the unique index. */
  const once = async (
    tenant: string,
    provenance: Provenance | undefined,
    work: () => Promise<WorkflowView>,
  ) => {
    const saved = await savedBy(tenant, provenance);
    if (saved) return registry.get(tenant, saved);
    try {
      return await work();
    } catch (error) {
      const again =
        error instanceof UniqueConstraintViolationException ? await savedBy(tenant, provenance) : undefined;
      if (again) return registry.get(tenant, again);
      throw error;
    }
  };

  const registry = {
    async create(
      tenant: string,
      actor: string,
      input: unknown,
      provenance?: Provenance,
    ): Promise<WorkflowView> {
      return once(tenant, provenance, () => registry.insertNew(tenant, actor, input, provenance));
    },

    async insertNew(
      tenant: string,
      actor: string,
      input: unknown,
      provenance?: Provenance,
    ): Promise<WorkflowView> {
      const definition = parseDefinition(input);
      await check(tenant, definition);
      const id = randomUUID();
      const now = new Date();
      await mutate(async (tx) => {
        await tx.insert(Workflow, {
          id,
          tenantId: tenant,
          name: definition.name,
          status: 'draft',
          latestVersion: 1,
          activeVersion: null,
          tags: definition.tags ?? [],
          createdAt: now,
          updatedAt: now,
          rowVersion: 1,
        });
        await tx.insert(WorkflowVersion, {
          workflowId: id,
          version: 1,
          tenantId: tenant,
          definition,
          createdBy: actor,
          reason: null,
          createdAt: now,
          provenance: provenance ?? null,
        });
        await logChange(tx, {
          tenant,
          workflowId: id,
          version: 1,
          actor,
          action: 'created',
          diff: diff({}, definition),
        });
        return [
          announce(tenant, 'workflowVersionCreated', { workflowId: id, version: 1, status: 'draft', actor }),
        ];
      });
      return registry.get(tenant, id);
    },

    async update(
      tenant: string,
      id: string,
      actor: string,
      input: unknown,
      reason: string,
      expectedVersion?: number,
      provenance?: Provenance,
    ): Promise<WorkflowView> {
      return once(tenant, provenance, () =>
        registry.insertVersion(tenant, id, actor, input, reason, expectedVersion, provenance),
      );
    },

    async insertVersion(
      tenant: string,
      id: string,
      actor: string,
      input: unknown,
      reason: string,
      expectedVersion?: number,
      provenance?: Provenance,
    ): Promise<WorkflowView> {
      const definition = parseDefinition(input);
      await check(tenant, definition);
      await mutate(async (tx) => {
        const workflow = await load(tx, tenant, id);
        if (workflow.status === 'archived') throw RiskloopError.conflict('an archived workflow is read-only');
        if (expectedVersion !== undefined && expectedVersion !== workflow.latestVersion) {
          throw new RiskloopError(
            'precondition_failed',
            `version ${expectedVersion} is not the latest (${workflow.latestVersion}); reload and edit again`,
            { status: 412 },
          );
        }
        const previous = await definitionOf(tx, id, workflow.latestVersion);
        const version = workflow.latestVersion + 1;
        const now = new Date();
        await tx.insert(WorkflowVersion, {
          workflowId: id,
          version,
          tenantId: tenant,
          definition,
          createdBy: actor,
          reason,
          createdAt: now,
          provenance: provenance ?? null,
        });
        workflow.latestVersion = version;
        workflow.name = definition.name;
        workflow.tags = definition.tags ?? [];
        // New runs of a live workflow pick up the new version; runs in flight keep the one they started on.
        // Under change approval the new version waits until someone other than its author activates it.
        if (workflow.status === 'active' && !(await changeApprovalOn(tx, tenant)))
          workflow.activeVersion = version;
        workflow.updatedAt = now;
        await logChange(tx, {
          tenant,
          workflowId: id,
          version,
          actor,
          action: 'updated',
          reason,
          diff: diff(previous, definition),
        });
        await tx.flush();
        return [
          announce(tenant, 'workflowVersionCreated', {
            workflowId: id,
            version,
            status: workflow.status as WorkflowStatus,
            actor,
          }),
        ];
      });
      return registry.get(tenant, id);
    },

    async get(tenant: string, id: string): Promise<WorkflowView> {
      const em = orm.em.fork();
      const workflow = await load(em, tenant, id);
      return toView(workflow, await definitionOf(em, id, workflow.latestVersion));
    },

    async list(
      tenant: string,
      filter: ListFilter,
    ): Promise<{ items: WorkflowSummary[]; nextCursor?: string }> {
      const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
      if (filter.cursor !== undefined && !after)
        throw RiskloopError.invalid('the cursor is not one we issued', 'cursor');
      const rows = await orm.em.fork().find(
        Workflow,
        {
          tenantId: tenant,
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.name ? { name: { $ilike: `%${filter.name.replace(/[%_\\]/g, '\\$&')}%` } } : {}),
          ...(filter.tag ? { tags: { $contains: [filter.tag] } } : {}),
          ...(after
            ? {
                $or: [
                  { createdAt: { $lt: after.createdAt } },
                  { createdAt: after.createdAt, id: { $lt: after.id } },
                ],
              }
            : {}),
        },
        { orderBy: { createdAt: 'desc', id: 'desc' }, limit: filter.limit + 1 },
      );
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        items: page.map(toSummary),
        ...(rows.length > filter.limit && last ? { nextCursor: encodeCursor(last) } : {}),
      };
    },

    async versions(tenant: string, id: string): Promise<{ items: VersionView[] }> {
      const em = orm.em.fork();
      await load(em, tenant, id);
      const rows = await em.find(
        WorkflowVersion,
        { workflowId: id, tenantId: tenant },
        {
          orderBy: { version: 'asc' },
          fields: ['workflowId', 'version', 'createdAt', 'createdBy', 'reason', 'provenance'],
        },
      );
      return {
        items: rows.map((v) => ({
          workflowId: v.workflowId,
          version: v.version,
          createdAt: v.createdAt.toISOString(),
          createdBy: v.createdBy,
          reason: v.reason ?? null,
          provenance: v.provenance ?? null,
        })),
      };
    },

    async version(tenant: string, id: string, n: number): Promise<VersionView> {
      const em = orm.em.fork();
      await load(em, tenant, id);
      const v = await em.findOne(WorkflowVersion, { workflowId: id, version: n, tenantId: tenant });
      if (!v) throw RiskloopError.notFound('version', `${id}@${n}`);
      return {
        workflowId: id,
        version: n,
        createdAt: v.createdAt.toISOString(),
        createdBy: v.createdBy,
        reason: v.reason ?? null,
        provenance: v.provenance ?? null,
        definition: WorkflowDefinition.parse(v.definition),
      };
    },

    async changeLog(tenant: string, id: string): Promise<{ items: ChangeLogView[] }> {
      const em = orm.em.fork();
      await load(em, tenant, id);
      const rows = await em.find(
        ChangeLogEntry,
        { workflowId: id, tenantId: tenant },
        { orderBy: { at: 'asc', id: 'asc' } },
      );
      return {
        items: rows.map((e) => ({
          id: e.id,
          workflowId: e.workflowId,
          version: e.version,
          actor: e.actor,
          action: e.action as ChangeLogView['action'],
          reason: e.reason ?? null,
          diff: e.diff ?? null,
          at: e.at.toISOString(),
        })),
      };
    },

    async transition(
      tenant: string,
      id: string,
      actor: string,
      action: LifecycleAction,
      reason?: string,
    ): Promise<WorkflowView> {
      await mutate(async (tx) => {
        const workflow = await load(tx, tenant, id);
        const from = workflow.status as WorkflowStatus;
        const target = workflow.latestVersion;
        if (action === 'activate' && from === 'active' && workflow.activeVersion === target) return []; // idempotent
        // Activating an active workflow promotes its pending version (held back by change approval).
        const { to, past } =
          action === 'activate' && from === 'active'
            ? ({ to: 'active', past: 'activated' } as const)
            : transitionOf(from, action);
        const approval =
          action === 'activate'
            ? checkActivation({
                changeApproval: await changeApprovalOn(tx, tenant),
                version: target,
                author: (await tx.findOneOrFail(WorkflowVersion, { workflowId: id, version: target }))
                  .createdBy,
                approvedVersion: workflow.activeVersion ?? null,
                actor,
              })
            : undefined;
        workflow.status = to;
        if (to === 'active') workflow.activeVersion = target;
        workflow.updatedAt = new Date();
        const version = workflow.activeVersion ?? workflow.latestVersion;
        await logChange(tx, {
          tenant,
          workflowId: id,
          version,
          actor,
          action: past,
          reason: reason ?? null,
          diff: { status: { from, to }, ...(approval ? { changeApproval: approval } : {}) },
        });
        await tx.flush();
        const event = (
          { activated: 'workflowActivated', paused: 'workflowPaused', archived: 'workflowArchived' } as const
        )[past];
        return [announce(tenant, event, { workflowId: id, version, status: to, actor })];
      });
      return registry.get(tenant, id);
    },

    /** The version new runs start on; 409 unless the workflow is active. */
    async activeVersion(tenant: string, id: string) {
      const em = orm.em.fork();
      const workflow = await load(em, tenant, id);
      if (workflow.status !== 'active' || workflow.activeVersion == null) {
        throw RiskloopError.conflict(`workflow ${id} is ${workflow.status}, not active`);
      }
      const definition = WorkflowDefinition.parse(await definitionOf(em, id, workflow.activeVersion));
      return { workflowId: id, version: workflow.activeVersion, definition };
    },

    /** Every active workflow of every tenant, ordered by id (the trigger-router's index). */
    async listActive(after: string | undefined, limit: number) {
      const em = orm.em.fork();
      const rows = await em.find(
        Workflow,
        { status: 'active', activeVersion: { $ne: null }, ...(after ? { id: { $gt: after } } : {}) },
        { orderBy: { id: 'asc' }, limit },
      );
      const items = [];
      for (const w of rows) {
        const definition = WorkflowDefinition.parse(await definitionOf(em, w.id, w.activeVersion as number));
        items.push({
          tenantId: w.tenantId,
          workflowId: w.id,
          version: w.activeVersion as number,
          definition,
        });
      }
      return { items };
    },

    /** The definition a dry run uses: a given version, else the active one, else the latest. */
    async storedDefinition(tenant: string, id: string, version?: number): Promise<WorkflowDefinition> {
      const em = orm.em.fork();
      const workflow = await load(em, tenant, id);
      const n = version ?? workflow.activeVersion ?? workflow.latestVersion;
      if (n > workflow.latestVersion) throw RiskloopError.notFound('version', `${id}@${n}`);
      return WorkflowDefinition.parse(await definitionOf(em, id, n));
    },
  };
  return registry;
}

export type Registry = ReturnType<typeof createRegistry>;
