/**
 * Attachments by name for `email` (and later `slack`/`jira`) steps: a name is an artifact's file name
 * (`report.pdf`) or a document's name (`report`), which attaches every format the document produced.
 */
import { RiskloopError } from '@riskloop/kit';
import type { ArtifactRecord, ArtifactStore } from './store.ts';

export async function resolveAttachments(
  store: ArtifactStore,
  tenant: string,
  runId: string,
  names: string[] | undefined,
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
  const records = await Promise.all(chosen.map((name) => store.get(tenant, runId, name)));
  return records.filter((r): r is ArtifactRecord => r !== undefined);
}
