/** `/api/workflows`: definitions, versions, lifecycle, change log, dry runs. Each call goes to the registry. */
import { request } from '@riskloop/bus';
import { rpcs, WorkflowStatus } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { readBody, readObject, respond } from '../body.ts';
import { idParam, intParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { anyone, authors, changers, type RouteRoles } from '../access.ts';

/** `If-Match: "3"` -> 3: the version the caller edited. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match)
    throw new RiskloopError('precondition_failed', 'If-Match must be an ETag from GET /api/workflows/:id', {
      status: 412,
    });
  return Number(match[1]);
}

/** Who may call each route below (deny by default: see access.ts). */
export const workflowAccess: RouteRoles = {
  'POST /': authors,
  'GET /': anyone,
  'POST /dry-run': ['admin', 'author', 'operator'],
  'GET /:id': anyone,
  'PUT /:id': authors,
  'GET /:id/versions': anyone,
  'GET /:id/versions/:n': anyone,
  'GET /:id/change-log': anyone,
  'POST /:id/activate': ['admin', 'author', 'approver'],
  'POST /:id/pause': changers,
  'POST /:id/archive': authors,
  'POST /:id/dry-run': ['admin', 'author', 'operator'],
};

export function workflowRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post('/', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const workflow = await request(bus, rpcs.createWorkflow, tenantId, {
      actor,
      definition: await readBody(c),
    });
    c.set('audit', { workflowId: workflow.id, version: workflow.latestVersion });
    return respond(c, workflow, 201, {
      location: `/api/workflows/${workflow.id}`,
      etag: `"${workflow.latestVersion}"`,
    });
  });

  app.get('/', async (c) => {
    const q = c.req.query();
    const status = q.status === undefined ? undefined : WorkflowStatus.safeParse(q.status);
    if (status && !status.success)
      throw RiskloopError.invalid(`status must be one of ${WorkflowStatus.options.join(', ')}`, 'status');
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw RiskloopError.invalid('limit must be 1 to 200', 'limit');
    const page = await request(bus, rpcs.listWorkflows, c.get('principal').tenantId, {
      ...(q.name ? { name: q.name } : {}),
      ...(status?.success ? { status: status.data } : {}),
      ...(q.tag ? { tag: q.tag } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit,
    });
    return respond(c, page);
  });

  // Dry run of a definition posted inline: `{ definition, payload, outputs }`.
  app.post('/dry-run', async (c) => {
    const body = await readObject(c);
    if (body.definition === undefined)
      throw RiskloopError.invalid('send the definition to dry-run', 'definition');
    const report = await request(bus, rpcs.dryRun, c.get('principal').tenantId, {
      definition: body.definition,
      payload: (body.payload ?? {}) as Record<string, unknown>,
      outputs: (body.outputs ?? {}) as Record<string, unknown>,
    });
    return respond(c, report);
  });

  app.get('/:id', async (c) => {
    const workflow = await request(bus, rpcs.getWorkflow, c.get('principal').tenantId, {
      workflowId: idParam(c, 'id', 'workflow'),
    });
    return respond(c, workflow, 200, { etag: `"${workflow.latestVersion}"` });
  });

  // Every change to a workflow is a new immutable version, with a reason.
  app.put('/:id', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const { tenantId, actor } = c.get('principal');
    const body = await readBody(c);
    const wrapped = body !== null && typeof body === 'object' && 'definition' in body;
    const definition = wrapped ? body.definition : body;
    const reason =
      (wrapped ? (body as { reason?: unknown }).reason : undefined) ??
      c.req.query('reason') ??
      c.req.header('x-change-reason');
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw RiskloopError.invalid('say why: a reason is required for every new version', 'reason');
    }
    const ifMatch = expectedVersion(c.req.header('if-match'));
    const workflow = await request(bus, rpcs.updateWorkflow, tenantId, {
      workflowId,
      actor,
      definition,
      reason,
      ...(ifMatch === undefined ? {} : { expectedVersion: ifMatch }),
    });
    c.set('audit', { version: workflow.latestVersion, reason });
    return respond(c, workflow, 200, { etag: `"${workflow.latestVersion}"` });
  });

  app.get('/:id/versions', async (c) =>
    respond(
      c,
      await request(bus, rpcs.listVersions, c.get('principal').tenantId, {
        workflowId: idParam(c, 'id', 'workflow'),
      }),
    ),
  );

  app.get('/:id/versions/:n', async (c) =>
    respond(
      c,
      await request(bus, rpcs.getVersion, c.get('principal').tenantId, {
        workflowId: idParam(c, 'id', 'workflow'),
        version: intParam(c, 'n', 'version'),
      }),
    ),
  );

  app.get('/:id/change-log', async (c) =>
    respond(
      c,
      await request(bus, rpcs.getChangeLog, c.get('principal').tenantId, {
        workflowId: idParam(c, 'id', 'workflow'),
      }),
    ),
  );

  for (const [action, method] of [
    ['activate', rpcs.activateWorkflow],
    ['pause', rpcs.pauseWorkflow],
    ['archive', rpcs.archiveWorkflow],
  ] as const) {
    app.post(`/:id/${action}`, async (c) => {
      const { tenantId, actor } = c.get('principal');
      const body =
        c.req.header('content-length') === '0' || !c.req.header('content-type') ? {} : await readObject(c);
      const reason = typeof body.reason === 'string' ? body.reason : undefined;
      const workflow = await request(bus, method, tenantId, {
        workflowId: idParam(c, 'id', 'workflow'),
        actor,
        ...(reason ? { reason } : {}),
      });
      c.set('audit', { status: workflow.status, activeVersion: workflow.activeVersion, reason });
      return respond(c, workflow);
    });
  }

  // Dry run of a stored workflow: `{ payload, outputs, version }`.
  app.post('/:id/dry-run', async (c) => {
    const body = c.req.header('content-length') === '0' ? {} : await readObject(c);
    const report = await request(bus, rpcs.dryRun, c.get('principal').tenantId, {
      workflowId: idParam(c, 'id', 'workflow'),
      ...(typeof body.version === 'number' ? { version: body.version } : {}),
      payload: (body.payload ?? {}) as Record<string, unknown>,
      outputs: (body.outputs ?? {}) as Record<string, unknown>,
    });
    return respond(c, report);
  });

  return app;
}
