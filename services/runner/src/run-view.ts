/** A run row as the API shows it. */
import { RunStatus, type RunView } from '@riskloop/contracts';
import type { RunContext } from './machine/index.ts';

export interface RunRow {
  id: string;
  workflow_id: string;
  workflow_version: number;
  status: string;
  snapshot: { value: unknown; context: RunContext };
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
}

export function toRunView(row: RunRow): RunView {
  const context = row.snapshot.context;
  return {
    id: row.id,
    workflowId: row.workflow_id,
    workflowVersion: row.workflow_version,
    status: RunStatus.parse(row.status),
    trigger: {
      type: context.trigger.type,
      payload: context.trigger.payload,
      ...(context.trigger.actor ? { actor: context.trigger.actor } : {}),
    },
    path: context.path,
    steps: context.path.map((id) => context.steps[id]).filter((s) => s !== undefined),
    ...(context.error ? { error: context.error } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
  };
}

/** The run's status from its machine state. */
export function statusOf(value: unknown): RunView['status'] {
  if (value === 'succeeded') return 'succeeded';
  if (value === 'failed') return 'failed';
  if (value === 'cancelled') return 'cancelled';
  return 'running';
}

/** Raw queries return timestamps as strings; entities as dates. */
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
