/**
 * The KRI catalogue and KRI event definitions of each tenant. A definition says what an emitted KRI event
 * (`emit_kri: { event }`) does to a KRI: increment, decrement, set or close the breach, by an amount that
 * is a number or a CEL expression over `event.value` / `event.attributes`. A definition with `from_result`
 * applies instead to step results its CEL condition matches. Definitions are versioned like
 * workflows: each change that alters the body is a new immutable version with actor, reason and diff.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  KriBody,
  KriDefinitionBody,
  KriDefinitionId,
  KriId,
  formatPath,
  stepExecutors,
  type KriDefinitionChange,
  type KriDefinitionView,
  type KriView,
} from '@riskloop/contracts';
import { analyzeExpression, compileExpression } from '@riskloop/expr';
import { RiskloopError } from '@riskloop/kit';
import diff from 'microdiff';
import type { z } from 'zod';
import { Kri, KriDefinition, KriDefinitionVersion } from './db/entities.ts';

function parseOr422<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const first = errors[0];
  throw RiskloopError.invalid(
    first ? `${first.path || '(body)'}: ${first.message}` : 'invalid',
    first?.path,
    {
      errors,
    },
  );
}

function checkId(schema: z.ZodType<string>, id: string, what: string): string {
  if (!schema.safeParse(id).success) throw RiskloopError.notFound(what, id);
  return id;
}

/** A problem with `amount`, or undefined when it is a number or a CEL expression that yields one. */
export function amountProblem(body: KriDefinitionBody): string | undefined {
  if (body.amount === undefined)
    return body.effect === 'close_breach' ? undefined : `${body.effect} needs an amount`;
  if (typeof body.amount === 'number') return undefined;
  const analysis = analyzeExpression(body.amount);
  if (!analysis.ok) return `not a valid CEL expression: ${analysis.message}`;
  const readable = body.from_result ? ['event', 'step'] : ['event'];
  const foreign = analysis.references.roots.filter((r) => !readable.includes(r));
  if (foreign.length > 0) {
    const may = body.from_result ? 'event and step' : 'event.value and event.attributes';
    return `an amount may read only ${may}, not ${foreign.join(', ')}`;
  }
  let sample: unknown;
  try {
    sample = compileExpression(body.amount)({ event: { value: 1, attributes: {} } });
  } catch {
    return undefined; // reads an attribute the sample does not have: checked when it runs
  }
  return typeof sample === 'number' || typeof sample === 'bigint'
    ? undefined
    : `the amount must be numeric; it evaluates to ${JSON.stringify(sample)}`;
}

/** Step kinds whose results reach the KRI emitter: those another service executes, but `emit_kri`. */
const mappableKinds = Object.keys(stepExecutors).filter((k) => k !== 'emit_kri');

/** A problem with `from_result`, as [path, message], or undefined. */
export function mappingProblem(body: KriDefinitionBody): [string, string] | undefined {
  const mapping = body.from_result;
  if (!mapping) return undefined;
  const unknown = (mapping.kinds ?? []).filter((k) => !mappableKinds.includes(k));
  if (unknown.length > 0)
    return [
      'from_result.kinds',
      `${unknown.join(', ')}: results of these kinds are not mapped (one of ${mappableKinds.join(', ')})`,
    ];
  const analysis = analyzeExpression(mapping.when);
  if (!analysis.ok) return ['from_result.when', `not a valid CEL expression: ${analysis.message}`];
  const foreign = analysis.references.roots.filter((r) => r !== 'step' && r !== 'workflow');
  if (foreign.length > 0)
    return ['from_result.when', `a condition may read only step and workflow, not ${foreign.join(', ')}`];
  return undefined;
}

interface KriRow {
  id: string;
  name: string;
  unit?: string | null | undefined;
  description?: string | null | undefined;
  createdAt: Date;
  updatedAt: Date;
}

const kriView = (k: KriRow): KriView => ({
  id: k.id,
  name: k.name,
  ...(k.unit ? { unit: k.unit } : {}),
  ...(k.description ? { description: k.description } : {}),
  createdAt: k.createdAt.toISOString(),
  updatedAt: k.updatedAt.toISOString(),
});

export function createKriCatalogue(orm: MikroORM) {
  const definitionView = (row: {
    id: string;
    version: number;
    body: Record<string, unknown>;
    createdAt: Date;
    updatedAt: Date;
    updatedBy: string;
  }): KriDefinitionView => ({
    ...(row.body as KriDefinitionBody),
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  });

  const catalogue = {
    async putKri(tenant: string, id: string, input: unknown): Promise<KriView> {
      if (!KriId.safeParse(id).success)
        throw RiskloopError.invalid('a KRI id is letters, digits, _ and -', 'id');
      const body = parseOr422(KriBody, input);
      const em = orm.em.fork();
      const now = new Date();
      await em.upsert(
        Kri,
        {
          tenantId: tenant,
          id,
          name: body.name,
          unit: body.unit ?? null,
          description: body.description ?? null,
          createdAt: now,
          updatedAt: now,
        },
        { onConflictFields: ['tenantId', 'id'], onConflictExcludeFields: ['createdAt'] },
      );
      return catalogue.getKri(tenant, id);
    },

    async getKri(tenant: string, id: string): Promise<KriView> {
      const row = await orm.em.fork().findOne(Kri, { tenantId: tenant, id });
      if (!row) throw RiskloopError.notFound('KRI', id);
      return kriView(row);
    },

    async listKris(tenant: string): Promise<{ items: KriView[] }> {
      const rows = await orm.em.fork().find(Kri, { tenantId: tenant }, { orderBy: { id: 'asc' } });
      return { items: rows.map(kriView) };
    },

    async putDefinition(
      tenant: string,
      id: string,
      actor: string,
      input: unknown,
      reason?: string,
    ): Promise<KriDefinitionView & { changed: boolean }> {
      if (!KriDefinitionId.safeParse(id).success)
        throw RiskloopError.invalid('a definition id is lowercase letters, digits, _ and -', 'id');
      const body = parseOr422(KriDefinitionBody, input);
      const problem = amountProblem(body);
      if (problem) throw RiskloopError.invalid(`amount: ${problem}`, 'amount');
      const mapping = mappingProblem(body);
      if (mapping) throw RiskloopError.invalid(`${mapping[0]}: ${mapping[1]}`, mapping[0]);
      const em = orm.em.fork();
      if (!(await em.findOne(Kri, { tenantId: tenant, id: body.kri }))) {
        throw RiskloopError.invalid(
          `kri: ${body.kri} is not in this tenant's KRI catalogue (PUT /api/kris/${body.kri} first)`,
          'kri',
        );
      }
      const changed = await em.transactional(async (tx) => {
        const current = await tx.findOne(KriDefinition, { tenantId: tenant, id });
        const before = current?.body ?? {};
        const changes = diff(before, body as Record<string, unknown>);
        if (current && changes.length === 0) return false; // the same body again: no new version
        const version = (current?.version ?? 0) + 1;
        const now = new Date();
        await tx.insert(KriDefinitionVersion, {
          tenantId: tenant,
          definitionId: id,
          version,
          body,
          action: current ? 'updated' : 'created',
          actor,
          reason: reason ?? null,
          diff: changes,
          at: now,
        });
        if (current) {
          Object.assign(current, { event: body.event, version, body, updatedAt: now, updatedBy: actor });
        } else {
          tx.create(KriDefinition, {
            tenantId: tenant,
            id,
            event: body.event,
            version,
            body,
            createdAt: now,
            updatedAt: now,
            updatedBy: actor,
          });
        }
        await tx.flush();
        return true;
      });
      return { ...(await catalogue.getDefinition(tenant, id)), changed };
    },

    async getDefinition(tenant: string, id: string): Promise<KriDefinitionView> {
      checkId(KriDefinitionId, id, 'KRI definition');
      const row = await orm.em.fork().findOne(KriDefinition, { tenantId: tenant, id });
      if (!row) throw RiskloopError.notFound('KRI definition', id);
      return definitionView(row);
    },

    /**
     * The tenant's definitions, of one event type if given; `source: 'emit'` keeps those that apply to
     * `emit_kri` steps, `'result'` the result mappings.
     */
    async listDefinitions(
      tenant: string,
      event?: string,
      source?: 'emit' | 'result',
    ): Promise<{ items: KriDefinitionView[] }> {
      const rows = await orm.em
        .fork()
        .find(KriDefinition, { tenantId: tenant, ...(event ? { event } : {}) }, { orderBy: { id: 'asc' } });
      const items = rows.map(definitionView);
      if (!source) return { items };
      return { items: items.filter((d) => (d.from_result !== undefined) === (source === 'result')) };
    },

    async changeLog(tenant: string, id: string): Promise<{ items: KriDefinitionChange[] }> {
      await catalogue.getDefinition(tenant, id);
      const rows = await orm.em
        .fork()
        .find(KriDefinitionVersion, { tenantId: tenant, definitionId: id }, { orderBy: { version: 'asc' } });
      return {
        items: rows.map((r) => ({
          definitionId: id,
          version: r.version,
          actor: r.actor,
          action: r.action as KriDefinitionChange['action'],
          reason: r.reason ?? null,
          diff: r.diff ?? null,
          at: r.at.toISOString(),
        })),
      };
    },
  };
  return catalogue;
}
