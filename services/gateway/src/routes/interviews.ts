/**
 * `/api/workflow-interviews`: authoring a workflow in a conversation, and `/api/interview-settings` (the
 * tenant's model). A message's reply streams as server-sent events (`delta` pieces, `reset` when a refused
 * model answer is asked again, then `reply` with the whole result) unless the caller accepts only JSON.
 * Nothing here writes a transcript: there is no route that could change an archived one.
 */
import { request } from '@riskloop/bus';
import {
  fieldErrors,
  interviewRpcs,
  InterviewMessageBody,
  InterviewSettingsBody,
  InterviewStreamChunk,
  StartInterviewBody,
} from '@riskloop/contracts';
import { isRiskloopError, RiskloopError } from '@riskloop/kit';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { readObject, respond } from '../body.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { adminOnly, anyone, authors, type RouteRoles } from '../access.ts';

/** An LLM turn (with its repairs) may take minutes on a small machine. */
const turnTimeoutMs = 300_000;

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error);
  throw RiskloopError.invalid(errors[0]?.message ?? 'invalid body', errors[0]?.path, { errors });
}

const optionalBody = async (c: Context): Promise<Record<string, unknown>> =>
  c.req.header('content-length') === '0' || !c.req.header('content-type') ? {} : readObject(c);

/** Who may call each route of `/api/workflow-interviews`. */
export const interviewAccess: RouteRoles = {
  'POST /': authors,
  'GET /:id': anyone,
  'POST /:id/messages': authors,
  'POST /:id/confirm': authors,
  'POST /:id/abandon': authors,
  'GET /:id/transcript': anyone,
};

/** `/api/interview-settings`: the tenant's model. */
export const interviewSettingsAccess: RouteRoles = {
  'GET /': anyone,
  'PUT /': adminOnly,
};

export function interviewRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const r = interviewRpcs;

  app.post('/', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const body = parse(StartInterviewBody, await optionalBody(c));
    const view = await request(
      bus,
      r.startInterview,
      tenantId,
      { actor, ...body },
      { timeoutMs: turnTimeoutMs },
    );
    return respond(c, view, 201, { location: `/api/workflow-interviews/${view.id}` });
  });

  app.get('/:id', async (c) =>
    respond(
      c,
      await request(bus, r.getInterview, c.get('principal').tenantId, {
        interviewId: idParam(c, 'id', 'interview'),
      }),
    ),
  );

  app.post('/:id/messages', async (c) => {
    const interviewId = idParam(c, 'id', 'interview');
    const { tenantId, actor } = c.get('principal');
    const { text } = parse(InterviewMessageBody, await readObject(c));
    const accept = c.req.header('accept') ?? '';
    if (accept.includes('application/json') && !accept.includes('text/event-stream')) {
      const reply = await request(
        bus,
        r.sendInterviewMessage,
        tenantId,
        { interviewId, actor, text },
        { timeoutMs: turnTimeoutMs },
      );
      return respond(c, reply);
    }
    // Refuse before the stream opens, with a real status, what would fail at once (unknown, closed).
    const current = await request(bus, r.getInterview, tenantId, { interviewId });
    if (current.status !== 'open') throw RiskloopError.conflict(`the interview is ${current.status}`);
    return streamSSE(c, async (stream) => {
      const inbox = `_INBOX.${randomUUID().replace(/-/g, '')}`;
      let writes = Promise.resolve();
      const sub = bus.nc.subscribe(inbox, {
        callback: (error, msg) => {
          if (error) return;
          const chunk = InterviewStreamChunk.safeParse(msg.json());
          if (!chunk.success) return;
          const event = 'reset' in chunk.data ? 'reset' : 'delta';
          writes = writes.then(() => stream.writeSSE({ event, data: JSON.stringify(chunk.data) }));
        },
      });
      try {
        const reply = await request(
          bus,
          r.sendInterviewMessage,
          tenantId,
          { interviewId, actor, text, streamTo: inbox },
          { timeoutMs: turnTimeoutMs },
        );
        await writes;
        await stream.writeSSE({ event: 'reply', data: JSON.stringify(reply) });
      } catch (error) {
        await writes;
        const e = isRiskloopError(error)
          ? error
          : new RiskloopError('internal', 'something went wrong on our side');
        await stream.writeSSE({
          event: 'error',
          data: JSON.stringify({ status: e.status, code: e.code, detail: e.message }),
        });
      } finally {
        sub.unsubscribe();
      }
    });
  });

  app.post('/:id/confirm', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const view = await request(
      bus,
      r.confirmInterview,
      tenantId,
      { interviewId: idParam(c, 'id', 'interview'), actor },
      { timeoutMs: 30_000 },
    );
    return respond(c, view);
  });

  app.post('/:id/abandon', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const body = await optionalBody(c);
    const reason = typeof body.reason === 'string' ? body.reason : undefined;
    return respond(
      c,
      await request(bus, r.abandonInterview, tenantId, {
        interviewId: idParam(c, 'id', 'interview'),
        actor,
        ...(reason ? { reason } : {}),
      }),
    );
  });

  app.get('/:id/transcript', async (c) =>
    respond(
      c,
      await request(bus, r.getInterviewTranscript, c.get('principal').tenantId, {
        interviewId: idParam(c, 'id', 'interview'),
      }),
    ),
  );

  return app;
}

/** `/api/interview-settings`: which model the tenant's interviews and expert panels use. */
export function interviewSettingsRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/', async (c) =>
    respond(c, await request(bus, interviewRpcs.getInterviewSettings, c.get('principal').tenantId, {})),
  );
  app.put('/', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const { model } = parse(InterviewSettingsBody, await readObject(c));
    return respond(c, await request(bus, interviewRpcs.putInterviewSettings, tenantId, { actor, model }));
  });
  return app;
}
