/** Request bodies in JSON or YAML (untrusted: depth-limited, prototype keys dropped), and responses in the format the caller accepts. */
import { fieldErrors } from '@riskloop/contracts';
import { parseYaml, toYaml } from '@riskloop/definitions';
import { cleanUntrusted, defaultMaxDepth, parseUntrustedJson, RiskloopError } from '@riskloop/kit';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

const isYaml = (type: string) => /\b(application|text)\/(x-)?yaml\b/.test(type);

/**
 * The body as a value: JSON, or YAML when sent as `application/yaml`. Untrusted either way: nesting past
 * the limit is 400 before parsing, and `__proto__` / `constructor` / `prototype` keys are dropped.
 */
export async function readBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (isYaml(type)) return cleanUntrusted(parseYaml(await c.req.text()), defaultMaxDepth);
  if (!type.includes('json')) {
    throw new RiskloopError(
      'unsupported_media_type',
      'send the body as application/json or application/yaml',
      { status: 415 },
    );
  }
  return parseUntrustedJson(await c.req.text(), defaultMaxDepth);
}

/** A JSON object body (e.g. a run payload); an empty body is `{}`. */
export async function readObject(c: Context): Promise<Record<string, unknown>> {
  if (c.req.header('content-length') === '0') return {};
  const body = await readBody(c);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw RiskloopError.invalid('the body must be a JSON object', '(body)');
  }
  return body as Record<string, unknown>;
}

/** Answer in YAML when the caller accepts it (and not JSON first), else JSON. */
export function respond(
  c: Context,
  value: unknown,
  status: ContentfulStatusCode = 200,
  headers: Record<string, string> = {},
): Response {
  const accept = c.req.header('accept') ?? '';
  if (isYaml(accept) && !accept.includes('application/json')) {
    return c.body(toYaml(value), status, { ...headers, 'content-type': 'application/yaml; charset=utf-8' });
  }
  return c.json(value, status, headers);
}

/** Check a value against a schema: a 422 naming the first bad field (all of them in `errors`). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, base = ''): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error).map((e) => ({
    ...e,
    path: [base, e.path].filter(Boolean).join('.') || '(body)',
  }));
  const first = errors[0] ?? { path: '(body)', message: 'invalid' };
  throw RiskloopError.invalid(`${first.path}: ${first.message}`, first.path, { errors });
}

/** The query string checked against a schema. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}
