/**
 * A `document` step: render its Markdown (templates already filled in by the runner) with its tables and
 * charts to the requested formats, and keep each as a run artifact. Every file is checked against the
 * size limit before any is stored, so a step stores all of its files or none.
 */
import { RiskloopError } from '@riskloop/kit';
import { z } from 'zod';
import { artifactOf } from '../artifacts/store.ts';
import { renderDocument } from '../documents/render.ts';
import { parseInput, type Connector } from './context.ts';

/** A whole-template value (`template: '{{ x }}'`) may render to a non-string: it is shown as text. */
const text = z.unknown().transform((v) => (typeof v === 'string' ? v : JSON.stringify(v)));

const Input = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  title: text.optional(),
  template: text,
  tables: z
    .record(z.string(), z.object({ rows: z.unknown(), columns: z.array(z.string()).optional() }))
    .optional(),
  charts: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  formats: z
    .array(z.enum(['markdown', 'html', 'pdf']))
    .min(1)
    .default(['markdown']),
});

export const document: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const now = new Date();
  const files = await renderDocument(input, input.formats, now).catch((error: unknown) => {
    throw error instanceof RiskloopError
      ? error
      : new RiskloopError('document_failed', `rendering failed: ${(error as Error).message}`, {
          cause: error,
        });
  });
  const records = files.map((f) =>
    artifactOf(f.name, context.exec.stepId, f.content, context.artifactMaxBytes, now),
  );
  for (const record of records) await context.artifacts.put(context.tenant, context.exec.runId, record);
  return {
    name: input.name,
    artifacts: records.map(({ content: _, ...view }) => view),
  };
};
