/**
 * Remediation actions: a tenant's own automation (an HTTPS endpoint behind a relay webhook destination)
 * registered by name, with the JSON Schema its parameters must match and, optionally, the schema of its
 * answer. A `remediation` step names one; riskloop never runs a command or code of its own for it.
 */
import { z } from 'zod';
import { Duration } from './duration.ts';
import { DestinationName } from './relay.ts';
import { rpc } from './rpc.ts';

export const RemediationActionName = z
  .string()
  .regex(/^[a-z0-9_]{1,100}$/, 'a remediation action name is lower_snake_case');

/** A JSON Schema document (draft 2020-12 or 07), checked to compile when the action is saved. */
const JsonSchemaDocument = z.record(z.string(), z.unknown());

export const RemediationActionBody = z.strictObject({
  description: z.string().max(1000).optional(),
  /** A `webhook` destination of the relay config: its URL, headers and signing secret are used. */
  destination: DestinationName,
  /** Appended to the destination's URL (e.g. `/actions/isolate`). */
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9_\-./~%]*$/, 'a path starts with / and holds URL path characters')
    .max(500)
    .optional(),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  input_schema: JsonSchemaDocument,
  /** When set, an answer that does not match fails the step. */
  output_schema: JsonSchemaDocument.optional(),
  /**
   * When true, a workflow may use the action only after an `approval` step (checked when it is saved), and
   * the relay refuses to call it unless the run holds an approved approval.
   */
  requires_approval: z.boolean().default(false),
  /** How long one call may take. */
  timeout: Duration.default('30s'),
});
export type RemediationActionBody = z.infer<typeof RemediationActionBody>;
export type RemediationActionInput = z.input<typeof RemediationActionBody>;

export const RemediationActionView = RemediationActionBody.extend({
  name: z.string(),
  /** Increases on every change. */
  version: z.int().positive(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type RemediationActionView = z.infer<typeof RemediationActionView>;

export const remediationRpcs = {
  putRemediationAction: rpc(
    'relay',
    'put-remediation-action',
    z.object({ name: RemediationActionName, body: z.unknown(), actor: z.string() }),
    RemediationActionView,
  ),
  getRemediationAction: rpc(
    'relay',
    'get-remediation-action',
    z.object({ name: z.string() }),
    RemediationActionView,
  ),
  listRemediationActions: rpc(
    'relay',
    'list-remediation-actions',
    z.object({}),
    z.object({ items: z.array(RemediationActionView) }),
  ),
  deleteRemediationAction: rpc(
    'relay',
    'delete-remediation-action',
    z.object({ name: z.string(), actor: z.string() }),
    z.object({ deleted: z.boolean() }),
  ),
  /** For saving a workflow: which of these names are registered, and whether each needs an approval. */
  checkRemediationActions: rpc(
    'relay',
    'check-remediation-actions',
    z.object({ names: z.array(z.string()).max(500) }),
    z.object({ items: z.array(z.object({ name: z.string(), requiresApproval: z.boolean() })) }),
  ),
} as const;
