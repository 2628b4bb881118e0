/**
 * How a route is described for the OpenAPI document: one `OperationDoc` per route, in tables keyed exactly
 * like the access matrix (`'GET /api/workflows/:id'`). Roles are not written here: the document takes them
 * from the matrix the app enforces.
 */
import { RiskloopError } from '@riskloop/kit';
import type { z } from 'zod';
import type { SchemaName } from './schemas.ts';

/** A named schema of `schemas.ts`, or a JSON Schema written out for a shape no zod schema has. */
export type SchemaDoc = SchemaName | Record<string, unknown>;

export interface ParamDoc {
  description: string;
  schema?: Record<string, unknown>;
  required?: boolean;
}

export interface BodyDoc {
  schema: SchemaDoc;
  description?: string;
  /** Default: true. */
  required?: boolean;
  /** Default: JSON and YAML (every body is read by `readBody`). */
  types?: readonly string[];
}

export interface AnswerDoc {
  description: string;
  schema?: SchemaDoc;
  /** Default: `application/json` when there is a schema, no content otherwise. */
  type?: string;
  /** Response headers worth knowing, by name. */
  headers?: Record<string, string>;
}

export interface OperationDoc {
  summary: string;
  description?: string;
  /** Set by `tagged()`. */
  tags?: readonly string[];
  /** Path parameters by name; each `:name` in the key needs one (or a default in `document.ts`). */
  params?: Record<string, ParamDoc>;
  /** Query parameters: a zod object (each key one parameter) or written out. */
  query?: z.ZodObject | Record<string, ParamDoc>;
  /** Request headers the route reads beyond authorization, by name. */
  headers?: Record<string, ParamDoc>;
  body?: BodyDoc;
  /** Success answers by status. */
  answers: Record<number, AnswerDoc>;
  /** Error statuses beyond those every route of its kind may answer (see `document.ts`). */
  errors?: readonly number[];
  /** Reached without a credential: `security: []`. */
  open?: boolean;
}

/** `'GET /api/workflows/:id'` -> its description. */
export type OperationDocs = Record<string, OperationDoc>;

/** The same tag on every operation of a table (one tag per route area). */
export function tagged(tag: string, docs: OperationDocs): OperationDocs {
  return Object.fromEntries(Object.entries(docs).map(([key, doc]) => [key, { ...doc, tags: [tag] }]));
}

/** Tables merged into one; a key described twice is a mistake, not an override. */
export function mergeDocs(...tables: OperationDocs[]): OperationDocs {
  const merged: OperationDocs = {};
  for (const table of tables) {
    for (const [key, doc] of Object.entries(table)) {
      if (merged[key])
        throw new RiskloopError('openapi_duplicate', `${key} is described twice in the OpenAPI tables`);
      merged[key] = doc;
    }
  }
  return merged;
}

export const uuid = (description: string): ParamDoc => ({
  description,
  schema: { type: 'string', format: 'uuid' },
});

/** `{ reason?: string }`: the optional body of lifecycle moves, cancels and abandons. */
export const reasonBody: BodyDoc = {
  required: false,
  description: 'Optional; an empty body is the same as `{}`.',
  schema: {
    type: 'object',
    properties: { reason: { type: 'string', maxLength: 2000, description: 'Why (kept in the change log)' } },
  },
};
