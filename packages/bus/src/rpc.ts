/**
 * Request/reply over core NATS with timeouts. Replies are `RpcReply` envelopes so that a service's
 * `RiskloopError` (not found, invalid, conflict) reaches the caller with its code and status intact.
 * Every copy of a service joins one queue group, so each request is answered once.
 */
import { headers, type Msg, type Subscription } from '@nats-io/transport-node';
import { allTenants, RpcReply, subjects, type RpcMethod } from '@riskloop/contracts';
import {
  currentTraceparent,
  describeError,
  inSpan,
  isRiskloopError,
  RiskloopError,
  SpanKind,
  systemScope,
  tenantScope,
} from '@riskloop/kit';
import type { z } from 'zod';
import type { BusConnection } from './connect.ts';

export interface RequestOptions {
  timeoutMs?: number;
}

export async function request<Req extends z.ZodType, Res extends z.ZodType>(
  bus: BusConnection,
  method: RpcMethod<Req, Res>,
  tenant: string,
  body: z.input<Req>,
  options: RequestOptions = {},
): Promise<z.infer<Res>> {
  const subject = bus.subject(subjects.rpc(method.service, tenant, method.method));
  let reply: Msg;
  try {
    const traceparent = currentTraceparent();
    const h = traceparent ? headers() : undefined;
    if (h && traceparent) h.set('traceparent', traceparent);
    reply = await bus.nc.request(subject, JSON.stringify(body), {
      timeout: options.timeoutMs ?? 5_000,
      ...(h ? { headers: h } : {}),
    });
  } catch (error) {
    throw RiskloopError.unavailable(`${method.service} did not answer ${method.method}`, error);
  }
  const envelope = RpcReply.parse(reply.json());
  if (!envelope.ok) {
    const { code, message, ...rest } = envelope.error;
    throw new RiskloopError(code, message, rest);
  }
  return method.response.parse(envelope.data);
}

export interface RpcContext {
  tenant: string;
}

export interface RpcServer {
  /** Stop taking requests and wait for the ones being answered. */
  stop(): Promise<void>;
}

export function serve<Req extends z.ZodType, Res extends z.ZodType>(
  bus: BusConnection,
  method: RpcMethod<Req, Res>,
  handler: (body: z.infer<Req>, context: RpcContext) => Promise<z.input<Res>>,
): RpcServer {
  const inFlight = new Set<Promise<void>>();
  const answer = async (msg: Msg): Promise<void> => {
    const tenant = bus.unprefix(msg.subject).split('.')[2] ?? '';
    let reply: RpcReply;
    try {
      const parsed = method.request.safeParse(msg.json());
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw RiskloopError.invalid(issue?.message ?? 'invalid request', issue?.path.join('.'));
      }
      // the caller's tenant is the database's scope while answering (`_all`: every tenant)
      const scope = tenant === allTenants ? systemScope : tenant;
      const answered = await inSpan(
        `rpc ${method.service}.${method.method}`,
        {
          parent: msg.headers?.get('traceparent'),
          kind: SpanKind.SERVER,
          attributes: { 'riskloop.tenant': tenant },
        },
        () => tenantScope.run(scope, () => handler(parsed.data, { tenant })),
      );
      reply = { ok: true, data: answered };
    } catch (error) {
      if (!isRiskloopError(error)) bus.log.error({ err: error, method: method.method }, 'rpc handler failed');
      const e = isRiskloopError(error)
        ? error
        : new RiskloopError('internal', describeError(error), { retryable: true });
      reply = {
        ok: false,
        error: {
          code: e.code,
          message: e.message,
          status: e.status,
          retryable: e.retryable,
          ...(e.path === undefined ? {} : { path: e.path }),
          ...(e.details === undefined ? {} : { details: e.details }),
        },
      };
    }
    msg.respond(JSON.stringify(reply));
  };
  const sub: Subscription = bus.nc.subscribe(bus.subject(subjects.rpc(method.service, '*', method.method)), {
    queue: method.service,
    callback: (error, msg) => {
      if (error) {
        bus.log.error({ err: error }, 'rpc subscription error');
        return;
      }
      const task = answer(msg).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
  });
  return {
    async stop() {
      sub.unsubscribe();
      await Promise.all(inFlight);
    },
  };
}

/** Answer `health.<service>` pings so that the gateway's readiness can see this copy. */
export function serveHealth(bus: BusConnection, service: string): RpcServer {
  const sub = bus.nc.subscribe(bus.subject(subjects.health(service)), {
    callback: (_error, msg) => {
      msg.respond(JSON.stringify({ service, pid: process.pid }));
    },
  });
  return {
    stop: () => {
      sub.unsubscribe();
      return Promise.resolve();
    },
  };
}

/** True when at least one copy of `service` answers within `timeoutMs`. */
export async function ping(bus: BusConnection, service: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    await bus.nc.request(bus.subject(subjects.health(service)), '', { timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}
