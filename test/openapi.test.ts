/**
 * The OpenAPI document lists exactly the routes that exist: the Hono app's route table and the document's
 * paths x methods are compared both ways, the document validates as OpenAPI 3.1, each operation carries the
 * roles the matrix enforces, and `GET /api/openapi.json` serves it to any role.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openApiDocument,
  routeKeyOf,
  type OpenApiDocument,
} from '../services/gateway/src/openapi/document.ts';
import { operationDocs } from '../services/gateway/src/openapi/operations.ts';
import { accessMatrix } from '../services/gateway/src/routes/access-matrix.ts';
import { startInProcessGateway, type InProcessGateway } from './fixtures/gateway-in-process.ts';

let gw: InProcessGateway;
let document: OpenApiDocument;
beforeAll(async () => {
  gw = await startInProcessGateway();
  document = openApiDocument({ docs: operationDocs, matrix: accessMatrix });
});
afterAll(async () => {
  await gw?.close();
});

/** Every handler route of an app as `METHOD /path` (middleware is registered as `ALL`). */
const routeKeys = (app: { routes: { method: string; path: string }[] }) =>
  new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));

/** Every operation of a document, keyed like the access matrix. */
const operationKeys = (doc: OpenApiDocument) =>
  new Set(
    Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => routeKeyOf(method, template)),
    ),
  );

/** What the app has and the document does not, and what the document has and the app does not. */
function drift(app: { routes: { method: string; path: string }[] }, doc: OpenApiDocument) {
  const routes = routeKeys(app);
  const operations = operationKeys(doc);
  return {
    undocumented: [...routes].filter((key) => !operations.has(key)),
    missing: [...operations].filter((key) => !routes.has(key)),
  };
}

describe('OpenAPI document', () => {
  it('documents every route of the app, and no route the app does not have', () => {
    const { undocumented, missing } = drift(gw.app, document);
    expect(
      undocumented,
      `routes with no description (add them to a table in services/gateway/src/openapi):\n  ${undocumented.join('\n  ')}`,
    ).toEqual([]);
    expect(missing, `described routes the app does not have:\n  ${missing.join('\n  ')}`).toEqual([]);
    expect(routeKeys(gw.app).size).toBeGreaterThan(60);
  });

  it('reports a route added to the app without a description, and a description with no route', () => {
    const app = gw.build();
    app.get('/api/undocumented/:id', (c) => c.json({}));
    expect(drift(app, document)).toEqual({ undocumented: ['GET /api/undocumented/:id'], missing: [] });

    const extra = openApiDocument({
      docs: {
        ...operationDocs,
        'DELETE /api/runs/:runId': { summary: 'gone', answers: { 204: { description: '' } } },
      },
      matrix: accessMatrix,
    });
    expect(drift(gw.app, extra)).toEqual({ undocumented: [], missing: ['DELETE /api/runs/:runId'] });
  });

  it('validates as OpenAPI 3.1, and every $ref in it resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');

    const unresolved: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const target = value
            .slice(2)
            .split('/')
            .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], document);
          if (target === undefined) unresolved.push(value);
        } else walk(value);
      }
    };
    walk(document);
    expect(unresolved).toEqual([]);
  });

  it('gives each credentialed operation the roles of the access matrix, and open ones no security', () => {
    const wrong: string[] = [];
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const key = routeKeyOf(method, template);
        const open = template.startsWith('/api/public/') || !template.startsWith('/api/');
        if (open && JSON.stringify(op.security) !== '[]') wrong.push(`${key}: needs security: []`);
        if (!open && JSON.stringify(op['x-roles']) !== JSON.stringify(accessMatrix[key]))
          wrong.push(`${key}: x-roles ${JSON.stringify(op['x-roles'])}`);
        if (!open && (op.security !== undefined || !('401' in (op.responses as object))))
          wrong.push(`${key}: a credentialed route takes the bearer scheme and may answer 401`);
      }
    }
    expect(wrong).toEqual([]);
    expect(document.security).toEqual([{ bearer: [] }]);
  });

  it('serves the document at GET /api/openapi.json to a viewer, and not without a credential', async () => {
    const response = await gw.app.request('/api/openapi.json', {
      headers: { authorization: `Bearer ${gw.keys.viewer}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
    expect((await gw.app.request('/api/openapi.json')).status).toBe(401);
  });
});
