/**
 * `Idempotency-Key` on every POST: the first request with a key is carried out and its answer stored for
 * a day; a retry with the same key and the same request gets that answer again (`Idempotent-Replayed:
 * true`) and changes nothing. The same key with another request is 422; a retry while the first is still
 * running is 409 with `Retry-After`. A 5xx answer is not kept, so a retry after a failure runs again.
 * Answers that show a secret once (a new API key, a preview-link URL, a webhook secret) are never stored:
 * a retry of one is 409 saying it was done, without the secret.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { MiddlewareHandler } from 'hono';
import { createHash } from 'node:crypto';
import { problem } from './problem.ts';
import type { GatewayEnv } from './routes/context.ts';

/** Routes whose answer holds a secret shown once. */
export const secretAnswers = new Set([
  'POST /api/api-keys',
  'POST /api/workflows/:id/preview-links',
  'POST /api/workflows/:id/webhook-secret',
]);

const keyPattern = /^[\x21-\x7e]{1,255}$/;
const keptFor = `interval '24 hours'`;

interface Stored {
  request: string;
  body_hash: string;
  status: number | null;
  content_type: string | null;
  response: string | null;
  secret: boolean;
}

export function idempotency(orm: MikroORM): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!keyPattern.test(key))
      return problem(c, 400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
        code: 'bad_idempotency_key',
      });
    const tenant = c.get('principal').tenantId;
    const request = c.get('route') ?? `POST ${c.req.path}`;
    const target = `${request} ${c.req.path}`;
    const bodyHash = createHash('sha256')
      .update(Buffer.from(await c.req.arrayBuffer()))
      .digest('hex');
    const em = orm.em.fork();
    const claimed = await em.execute(
      `insert into "gateway"."idempotent_requests" (tenant_id, key, request, body_hash, created_at)
       values (?, ?, ?, ?, now())
       on conflict (tenant_id, key) do update set request = excluded.request, body_hash = excluded.body_hash,
         status = null, content_type = null, response = null, secret = false, created_at = now()
       where "idempotent_requests".created_at < now() - ${keptFor}
       returning 1`,
      [tenant, key, target, bodyHash],
    );
    if (claimed.length > 0) {
      await next();
      if (c.res.status >= 500) {
        await em.execute(`delete from "gateway"."idempotent_requests" where tenant_id = ? and key = ?`, [
          tenant,
          key,
        ]);
        return;
      }
      const secret = secretAnswers.has(request);
      await em.execute(
        `update "gateway"."idempotent_requests" set status = ?, content_type = ?, response = ?, secret = ?
         where tenant_id = ? and key = ?`,
        [
          c.res.status,
          secret ? null : c.res.headers.get('content-type'),
          secret ? null : await c.res.clone().text(),
          secret,
          tenant,
          key,
        ],
      );
      return;
    }
    const [stored] = await em.execute<Stored[]>(
      `select request, body_hash, status, content_type, response, secret from "gateway"."idempotent_requests"
       where tenant_id = ? and key = ?`,
      [tenant, key],
    );
    if (!stored || stored.status === null) {
      c.header('Retry-After', '1');
      return problem(c, 409, 'a request with this Idempotency-Key is still in progress', {
        code: 'idempotency_key_in_progress',
      });
    }
    if (stored.request !== target || stored.body_hash !== bodyHash)
      return problem(c, 422, 'this Idempotency-Key was used for a different request', {
        code: 'idempotency_key_reused',
      });
    if (stored.secret)
      return problem(
        c,
        409,
        'this request was already carried out; its answer held a secret that is shown once and not stored',
        { code: 'idempotent_secret_not_replayed' },
      );
    return new Response(stored.response, {
      status: stored.status,
      headers: { 'content-type': stored.content_type ?? 'application/json', 'idempotent-replayed': 'true' },
    });
  };
}
