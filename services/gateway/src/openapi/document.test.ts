import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiPath, routeKeyOf } from './document.ts';
import { mergeDocs, uuid, type OperationDocs } from './operation.ts';

const docs: OperationDocs = {
  'POST /api/things/:id/parts': {
    summary: 'Add a part',
    params: { id: uuid('The thing') },
    body: { schema: 'DecisionBody' },
    answers: { 201: { description: 'Added', schema: 'ApprovalView' } },
    errors: [503],
  },
  'GET /healthz': { summary: 'Up', open: true, answers: { 200: { description: 'Up' } } },
};

describe('openApiDocument', () => {
  const doc = openApiDocument({ docs, matrix: { 'POST /api/things/:id/parts': ['admin'] } });
  const post = doc.paths['/api/things/{id}/parts']?.post as Record<string, any>;

  it('templates paths the OpenAPI way and maps them back to matrix keys', () => {
    expect(openApiPath('/api/workflows/:id/versions/:n')).toBe('/api/workflows/{id}/versions/{n}');
    expect(openApiPath('/files/:name{.+\\.pdf}')).toBe('/files/{name}');
    expect(routeKeyOf('delete', '/api/workflows/{id}/preview-links/{linkId}')).toBe(
      'DELETE /api/workflows/:id/preview-links/:linkId',
    );
  });

  it('takes roles from the matrix and adds the errors every route of its kind may answer', () => {
    expect(post['x-roles']).toEqual(['admin']);
    expect(Object.keys(post.responses)).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '503',
      'default',
    ]);
    expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'Idempotency-Key']);
    expect(post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/DecisionBody',
    });
  });

  it('marks open routes with no security and no roles', () => {
    const health = doc.paths['/healthz']?.get as Record<string, any>;
    expect(health.security).toEqual([]);
    expect(health['x-roles']).toBeUndefined();
    expect(Object.keys(health.responses)).toEqual(['200', 'default']);
  });

  it('refuses a path parameter nobody described, and a route described twice', () => {
    const bare: OperationDocs = { 'GET /api/things/:thingId': { summary: 'x', answers: {} } };
    expect(() => openApiDocument({ docs: bare, matrix: {} })).toThrow(/describe the path parameter thingId/);
    expect(() => mergeDocs(docs, { 'GET /healthz': { summary: 'again', answers: {} } })).toThrow(/twice/);
  });
});
