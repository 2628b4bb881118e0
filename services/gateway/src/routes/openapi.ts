/** `GET /api/openapi.json`: the OpenAPI 3.1 document of every route, with the roles the app enforces. */
import { Hono } from 'hono';
import { anyone, type RouteRoles } from '../access.ts';
import { openApiDocument, type OpenApiDocument } from '../openapi/document.ts';
import { operationDocs } from '../openapi/operations.ts';
import type { GatewayEnv } from './context.ts';

/** Mounted at `/api`: any role may read what the API offers (each operation says who may call it). */
export const openApiAccess: RouteRoles = { 'GET /openapi.json': anyone };

export function openApiRoutes(matrix: RouteRoles): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => c.json((document ??= openApiDocument({ docs: operationDocs, matrix }))));
  return app;
}
