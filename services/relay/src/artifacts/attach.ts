/**
 * Attachments by name for `email`, `slack` and `jira` steps: a name is an artifact's file name
 * (`report.pdf`) or a document's name (`report`), which attaches every format the document produced.
 * A name that matches nothing, or an artifact over the size limit (one stored before the limit was
 * lowered), fails the step before anything is sent.
 */
import { RiskloopError } from '@riskloop/kit';
import type { ArtifactRecord, ArtifactStore } from './store.ts';

export async function resolveAttachments(
  store: ArtifactStore,
  tenant: string,
  runId: string,
  names: string[] | undefined,
  maxBytes: number,
): Promise<ArtifactRecord[]> {
  if (!names?.length) return [];
  const all = await store.list(tenant, runId);
  const chosen: string[] = [];
  for (const name of names) {
    const exact = all.filter((a) => a.name === name);
    const byDocument = all.filter((a) => a.name.replace(/\.(md|html|pdf)$/, '') === name);
    const found = exact.length > 0 ? exact : byDocument;
    if (found.length === 0) {
      throw new RiskloopError(
        'attachment_not_found',
        `no artifact ${name} in this run: attachments name a document produced by an earlier step`,
        { retryable: false },
      );
    }
    for (const a of found) if (!chosen.includes(a.name)) chosen.push(a.name);
  }
  const listed = new Map(all.map((a) => [a.name, a]));
  for (const name of chosen) {
    const size = listed.get(name)?.size ?? 0;
    if (size > maxBytes) {
      throw new RiskloopError(
        'attachment_too_large',
        `attachment ${name} is ${size} bytes, over the limit of ${maxBytes} bytes (RELAY_ARTIFACT_MAX_BYTES)`,
        { retryable: false },
      );
    }
  }
  const records = await Promise.all(chosen.map((name) => store.get(tenant, runId, name)));
  return records.filter((r): r is ArtifactRecord => r !== undefined);
}
