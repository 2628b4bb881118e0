/** Registry rows as the API shows them. */
import {
  WorkflowDefinition,
  type WorkflowStatus,
  type WorkflowSummary,
  type WorkflowView,
} from '@riskloop/contracts';

export interface WorkflowRow {
  id: string;
  name: string;
  status: string;
  latestVersion: number;
  activeVersion?: number | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export function toSummary(row: WorkflowRow): WorkflowSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status as WorkflowStatus,
    latestVersion: row.latestVersion,
    activeVersion: row.activeVersion ?? null,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toView(row: WorkflowRow, definition: unknown): WorkflowView {
  const { tags: _tags, ...summary } = toSummary(row);
  return { ...summary, definition: WorkflowDefinition.parse(definition) };
}

/** Opaque cursor over (created_at, id), newest first. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) || typeof id !== 'string' ? undefined : { createdAt, id };
  } catch {
    return undefined;
  }
}
