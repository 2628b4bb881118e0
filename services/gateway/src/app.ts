/**
 * The public HTTP API. Authentication comes first on `/api/*`: the tenant comes from the API key only,
 * never from the body, path or a header the caller chooses. Work is delegated to the services over NATS.
 */
import { request, type BusConnection } from '@riskloop/bus';
import { rpcs, type RunView } from '@riskloop/contracts';
import { isRiskloopError, RiskloopError, type Logger } from '@riskloop/kit';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import { problem, problemFromError } from './problem.ts';
import type { Authenticate, Principal } from './tenants.ts';

export interface AppOptions {
  bus: BusConnection;
  log: Logger;
  authenticate: Authenticate;
  /** Names of services that must answer for `/readyz` to say ready, and the check. */
  readiness: () => Promise<Record<string, boolean>>;
  maxBodyBytes?: number;
}

type Env = { Variables: { principal: Principal } };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createApp(options: AppOptions): Hono<Env> {
  const { bus } = options;
  const app = new Hono<Env>();
  app.onError(problemFromError(options.log));
  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks = await options.readiness();
    const ready = Object.values(checks).every(Boolean);
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 1024 * 1024,
      onError: (c) => problem(c, 413, `the body is larger than ${options.maxBodyBytes ?? 1024 * 1024} bytes`),
    }),
  );
  app.use('/api/*', async (c, next) => {
    c.set('principal', await options.authenticate(c.req.header('authorization')));
    await next();
  });

  const principal = (c: Context<Env>) => c.get('principal');
  const idParam = (c: Context<Env>, name: string, what: string): string => {
    const id = c.req.param(name) ?? '';
    if (!uuidPattern.test(id)) throw RiskloopError.notFound(what, id);
    return id.toLowerCase();
  };

  app.post('/api/workflows', async (c) => {
    const { tenantId, actor } = principal(c);
    const definition = await jsonBody(c);
    const workflow = await request(bus, rpcs.createWorkflow, tenantId, { actor, definition });
    return c.json(workflow, 201, { location: `/api/workflows/${workflow.id}` });
  });

  app.get('/api/workflows/:id', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    return c.json(await request(bus, rpcs.getWorkflow, principal(c).tenantId, { workflowId }));
  });

  app.post('/api/workflows/:id/activate', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const { tenantId, actor } = principal(c);
    return c.json(await request(bus, rpcs.activateWorkflow, tenantId, { workflowId, actor }));
  });

  app.post('/api/workflows/:id/run', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const { tenantId, actor } = principal(c);
    const body = c.req.header('content-length') === '0' ? {} : await jsonBody(c);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw RiskloopError.invalid('the run payload must be a JSON object', '(body)');
    }
    // The same Idempotency-Key starts the same run once, however often it is retried.
    const requestId = c.req.header('idempotency-key') ?? randomUUID();
    const started = await request(bus, rpcs.startManualRun, tenantId, {
      workflowId,
      requestId,
      actor,
      payload: body as Record<string, unknown>,
    });
    return c.json(
      { runId: started.runId, workflowId: started.workflowId, version: started.version, status: 'queued' },
      started.created ? 202 : 200,
      { location: `/api/runs/${started.runId}` },
    );
  });

  app.get('/api/runs/:runId', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const { tenantId } = principal(c);
    try {
      return c.json(await request(bus, rpcs.getRun, tenantId, { runId }));
    } catch (error) {
      if (!(isRiskloopError(error) && error.code === 'not_found')) throw error;
      // Started but not yet picked up by a runner: the trigger router knows it.
      const queued = await request(bus, rpcs.getTriggeredRun, tenantId, { runId });
      const view: Partial<RunView> = {
        id: queued.runId,
        workflowId: queued.workflowId,
        workflowVersion: queued.version,
        status: 'queued',
        path: [],
        steps: [],
        createdAt: queued.createdAt,
      };
      return c.json(view);
    }
  });

  return app;
}

async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('json'))
    throw new RiskloopError('unsupported_media_type', 'send the body as application/json', { status: 415 });
  try {
    return await c.req.json();
  } catch {
    throw new RiskloopError('bad_json', 'the body is not valid JSON', { status: 400 });
  }
}
