/**
 * The OpenAPI 3.1 document of the gateway, built from the operation tables (`openapi/*-docs.ts`) and the
 * role x route matrix the app enforces: each operation's `x-roles` is the matrix's entry for its key, never
 * retyped. Statuses every route of a kind may answer (401/403/429 behind a credential, 404 with a path id,
 * 400/413/415/422 with a body, 409 for an `Idempotency-Key` still in flight) are added here, so the tables
 * list only what is particular to a route.
 */
import { RiskloopError } from '@riskloop/kit';
import { z } from 'zod';
import gatewayPackage from '../../package.json' with { type: 'json' };
import type { RouteRoles } from '../access.ts';
import type { AnswerDoc, BodyDoc, OperationDoc, OperationDocs, ParamDoc, SchemaDoc } from './operation.ts';
import { uuid } from './operation.ts';
import { componentSchemas, schemaRef } from './schemas.ts';

export type OpenApiDocument = {
  openapi: '3.1.0';
  paths: Record<string, Record<string, Record<string, unknown>>>;
} & Record<string, unknown>;

/** `/api/workflows/:id/versions/:n` -> `/api/workflows/{id}/versions/{n}` (a `{regex}` constraint dropped). */
export const openApiPath = (path: string): string => path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');

/** `get`, `/api/runs/{runId}` -> `GET /api/runs/:runId`: the access matrix's key of an operation. */
export const routeKeyOf = (method: string, template: string): string =>
  `${method.toUpperCase()} ${template.replace(/\{(\w+)\}/g, ':$1')}`;

/** Path parameters that mean the same wherever they appear. */
const commonParams: Record<string, ParamDoc> = {
  runId: uuid('The run'),
  linkId: uuid('The preview link'),
  n: { description: 'A version number', schema: { type: 'integer', minimum: 1 } },
};

const errors: Record<number, string> = {
  400: 'The body is not JSON (or YAML), or is nested deeper than 64 levels',
  401: 'No credential, or one that is unknown, revoked or expired',
  403: "The credential's role may not call this route, or a rule of the tenant refuses the caller",
  404: 'No such thing in the caller’s tenant (another tenant’s ids answer the same)',
  409: 'A conflict: the state does not allow it, or a request with this Idempotency-Key is still running',
  412: 'If-Match names a version that is no longer the latest',
  413: 'The body is larger than the limit (MAX_BODY_BYTES, 1 MiB by default)',
  415: 'The body is neither application/json nor application/yaml',
  422: 'The input is invalid (`errors` names each field), or the Idempotency-Key was used for another request',
  429: 'Over the per-credential or per-tenant rate limit',
  503: 'A service the route needs did not answer',
};

export interface OpenApiOptions {
  docs: OperationDocs;
  /** The matrix the app enforces (`x-roles` of each operation). */
  matrix: RouteRoles;
}

/** The whole document: every described route, with the schemas and error answers they refer to. */
export function openApiDocument({ docs, matrix }: OpenApiOptions): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const [key, doc] of Object.entries(docs)) {
    const [method = '', path = ''] = key.split(' ');
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation(key, path, doc, matrix);
    for (const tag of doc.tags ?? []) tags.add(tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'riskloop API',
      version: gatewayPackage.version,
      description: [
        'Multi-tenant workflows for governance, risk and compliance.',
        'Every `/api` route but `/api/public/*` needs `Authorization: Bearer <API key or OIDC token>`; the tenant and',
        'role come from the credential only. `x-roles` lists the roles that may call an operation (deny by default).',
        'Answers are JSON, or YAML with `Accept: application/yaml`; errors are RFC 9457 `application/problem+json`.',
        'Every POST honours `Idempotency-Key`.',
      ].join('\n'),
    },
    tags: [...tags].map((name) => ({ name })),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key of the tenant (from `npx riskloop tenant create` or `POST /api/api-keys`), or a JWT from the identity provider set with `PUT /api/oidc-config`.',
        },
      },
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        Object.entries(errors).map(([status, description]) => [
          problemName(Number(status)),
          problem(description, status === '429' ? { 'Retry-After': retryAfter } : undefined),
        ]),
      ),
    },
  };
}

const problemName = (status: number) => `Problem${status}`;
const retryAfter = { description: 'Seconds to wait before trying again', schema: { type: 'integer' } };

function problem(description: string, headers?: Record<string, unknown>) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/problem+json': { schema: schemaRef('Problem') } },
  };
}

const schemaOf = (schema: SchemaDoc) => (typeof schema === 'string' ? schemaRef(schema) : schema);

function operation(key: string, path: string, doc: OperationDoc, matrix: RouteRoles) {
  const post = key.startsWith('POST ');
  return {
    ...(doc.tags ? { tags: doc.tags } : {}),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.open ? { security: [] } : { 'x-roles': matrix[key] ?? [] }),
    parameters: [
      ...pathParams(key, path, doc),
      ...queryParams(doc.query),
      ...Object.entries(doc.headers ?? {}).map(([name, p]) => parameter(name, 'header', p)),
      ...(post && !doc.open ? [idempotencyKey] : []),
    ],
    ...(doc.body ? { requestBody: requestBody(doc.body) } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(doc.answers).map(([status, a]) => [status, answer(a)])),
      ...Object.fromEntries(
        errorStatuses(path, doc, post).map((s) => [
          String(s),
          { $ref: `#/components/responses/${problemName(s)}` },
        ]),
      ),
      default: problem('Any other error, e.g. 500'),
    },
  };
}

function errorStatuses(path: string, doc: OperationDoc, post: boolean): number[] {
  const statuses = new Set(doc.errors ?? []);
  const add = (...s: number[]) => s.forEach((x) => statuses.add(x));
  if (!doc.open) add(401, 403, 429);
  if (path.includes(':')) add(404);
  if (doc.body) add(413, 422);
  if (doc.body && !doc.body.types) add(400, 415);
  if (post && !doc.open) add(409, 422);
  for (const s of statuses)
    if (!errors[s]) throw new RiskloopError('openapi_status', `no error answer for ${s}`);
  return [...statuses].sort((a, b) => a - b);
}

function pathParams(key: string, path: string, doc: OperationDoc) {
  return [...path.matchAll(/:(\w+)/g)].map(([, name = '']) => {
    const p = doc.params?.[name] ?? commonParams[name];
    if (!p) throw new RiskloopError('openapi_param', `${key}: describe the path parameter ${name}`);
    return parameter(name, 'path', { ...p, required: true });
  });
}

function queryParams(query: OperationDoc['query']) {
  if (!query) return [];
  if (!(query instanceof z.ZodObject))
    return Object.entries(query).map(([name, p]) => parameter(name, 'query', p));
  const json = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema,
  }));
}

function parameter(name: string, where: 'path' | 'query' | 'header', p: ParamDoc) {
  return {
    name,
    in: where,
    description: p.description,
    required: p.required ?? false,
    schema: p.schema ?? { type: 'string' },
  };
}

const idempotencyKey = parameter('Idempotency-Key', 'header', {
  description:
    'Carry out this request once: a retry with the same key and body gets the first answer (`Idempotent-Replayed: true`)',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
});

function requestBody(body: BodyDoc) {
  const schema = schemaOf(body.schema);
  const types = body.types ?? ['application/json', 'application/yaml'];
  return {
    required: body.required ?? true,
    ...(body.description ? { description: body.description } : {}),
    content: Object.fromEntries(types.map((type) => [type, { schema }])),
  };
}

function answer(a: AnswerDoc) {
  const type = a.type ?? (a.schema ? 'application/json' : undefined);
  return {
    description: a.description,
    ...(a.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(a.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    ...(type ? { content: { [type]: a.schema ? { schema: schemaOf(a.schema) } : {} } } : {}),
  };
}
