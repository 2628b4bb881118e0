/** Bodies the public HTTP API accepts. */
import { z } from 'zod';

export const RunRequestBody = z.record(z.string(), z.unknown());
export type RunRequestBody = z.infer<typeof RunRequestBody>;

export const RunAccepted = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  version: z.int(),
  status: z.string(),
});
export type RunAccepted = z.infer<typeof RunAccepted>;

/** RFC 9457 problem details, with the path of the offending field when there is one. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
