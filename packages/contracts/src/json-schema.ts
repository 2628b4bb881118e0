/**
 * The definition language as JSON Schema (draft 2020-12), for whatever needs it outside zod: the interview
 * asks the LLM for structured output against it, and `GET /api/schemas/workflow-definition` serves it.
 * Checks zod expresses as code (URLs, time zones, cron, cross-field rules) are not in it: the validator
 * still has the last word.
 */
import { z } from 'zod';
import { WorkflowDefinition } from './definition.ts';

let cached: Record<string, unknown> | undefined;

export function workflowDefinitionJsonSchema(): Record<string, unknown> {
  cached ??= z.toJSONSchema(WorkflowDefinition, {
    io: 'input',
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
  }) as Record<string, unknown>;
  return cached;
}
