/**
 * The registry's domain: create a workflow (draft, version 1), read it, activate it. Every change writes a
 * change-log entry, and lifecycle changes are announced on the bus through the outbox.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  cloudEvent,
  eventTypes,
  fieldErrors,
  subjects,
  WorkflowDefinition,
  type WorkflowActivated,
  type WorkflowStatus,
  type WorkflowView,
} from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { RiskloopError } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import { ChangeLogEntry, Workflow, WorkflowVersion } from './db/entities.ts';

export interface RegistryOptions {
  orm: MikroORM;
  outbox: Outbox;
}

export interface ActiveVersion {
  workflowId: string;
  version: number;
  definition: WorkflowDefinition;
}

/** Which lifecycle moves are allowed, from the seeds: draft -> active <-> paused; anything -> archived. */
const activatableFrom: readonly WorkflowStatus[] = ['draft', 'paused'];

export function parseDefinition(input: unknown): WorkflowDefinition {
  const result = WorkflowDefinition.safeParse(input);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const first = errors[0];
  throw RiskloopError.invalid(
    first ? `${first.path || 'definition'}: ${first.message}` : 'invalid definition',
    first?.path,
    { errors },
  );
}

export function createRegistry(options: RegistryOptions) {
  const { orm, outbox } = options;

  const load = async (em: EntityManager, tenant: string, id: string) => {
    const workflow = await em.findOne(Workflow, { id, tenantId: tenant });
    if (!workflow) throw RiskloopError.notFound('workflow', id);
    return workflow;
  };

  const view = async (em: EntityManager, tenant: string, id: string): Promise<WorkflowView> => {
    const workflow = await load(em, tenant, id);
    const version = await em.findOneOrFail(WorkflowVersion, {
      workflowId: id,
      version: workflow.latestVersion,
    });
    return {
      id: workflow.id,
      name: workflow.name,
      status: workflow.status as WorkflowStatus,
      latestVersion: workflow.latestVersion,
      activeVersion: workflow.activeVersion ?? null,
      definition: WorkflowDefinition.parse(version.definition),
      createdAt: workflow.createdAt.toISOString(),
      updatedAt: workflow.updatedAt.toISOString(),
    };
  };

  return {
    async create(tenant: string, actor: string, input: unknown): Promise<WorkflowView> {
      const definition = parseDefinition(input);
      const id = randomUUID();
      const now = new Date();
      const em = orm.em.fork();
      await em.transactional(async (tx) => {
        await tx.insert(Workflow, {
          id,
          tenantId: tenant,
          name: definition.name,
          status: 'draft',
          latestVersion: 1,
          activeVersion: null,
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
          createdAt: now,
        });
        await tx.insert(ChangeLogEntry, {
          id: randomUUID(),
          tenantId: tenant,
          workflowId: id,
          version: 1,
          actor,
          action: 'created',
          reason: null,
          diff: { added: definition },
          at: now,
        });
      });
      return view(orm.em.fork(), tenant, id);
    },

    async get(tenant: string, id: string): Promise<WorkflowView> {
      return view(orm.em.fork(), tenant, id);
    },

    async activate(tenant: string, id: string, actor: string): Promise<WorkflowView> {
      const em = orm.em.fork();
      const messages: OutboxMessage[] = [];
      await em.transactional(async (tx) => {
        const workflow = await load(tx, tenant, id);
        if (workflow.status === 'active') return;
        if (!activatableFrom.includes(workflow.status as WorkflowStatus)) {
          throw RiskloopError.conflict(`a ${workflow.status} workflow cannot be activated`);
        }
        const now = new Date();
        const from = workflow.status;
        workflow.status = 'active';
        workflow.activeVersion = workflow.latestVersion;
        workflow.updatedAt = now;
        tx.create(ChangeLogEntry, {
          id: randomUUID(),
          tenantId: tenant,
          workflowId: id,
          version: workflow.latestVersion,
          actor,
          action: 'activated',
          reason: null,
          diff: { status: { from, to: 'active' } },
          at: now,
        });
        const data: WorkflowActivated = { workflowId: id, version: workflow.latestVersion, actor };
        messages.push({
          subject: subjects.workflowEvent(tenant, 'activated'),
          event: cloudEvent({
            id: randomUUID(),
            source: 'riskloop/registry',
            type: eventTypes.workflowActivated,
            tenant,
            data,
          }),
        });
        await tx.flush();
        await outbox.stage(tx, messages);
      });
      await outbox.send(messages);
      return view(orm.em.fork(), tenant, id);
    },

    /** The version new runs start on; 409 unless the workflow is active. */
    async activeVersion(tenant: string, id: string): Promise<ActiveVersion> {
      const em = orm.em.fork();
      const workflow = await load(em, tenant, id);
      if (workflow.status !== 'active' || workflow.activeVersion == null) {
        throw RiskloopError.conflict(`workflow ${id} is ${workflow.status}, not active`);
      }
      const version = await em.findOneOrFail(WorkflowVersion, {
        workflowId: id,
        version: workflow.activeVersion,
      });
      return {
        workflowId: id,
        version: version.version,
        definition: WorkflowDefinition.parse(version.definition),
      };
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
