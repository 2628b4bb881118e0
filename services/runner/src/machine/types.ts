/**
 * What a run's machine holds and hears. The context is the whole durable state of a run (it is what the
 * host persists), events carry their own time (`at`: the machine has no clock), and effects are data the
 * host carries out after the commit (DESIGN.md, durability rules 5 and 7).
 */
import type { Approver, ApprovalStatus, StepRecord, TriggerInfo } from '@riskloop/contracts';

export interface RunInput {
  runId: string;
  tenant: string;
  workflowId: string;
  version: number;
  trigger: TriggerInfo;
  /** When the run started (ISO). */
  at: string;
}

export interface Decision {
  id: string;
  decision: 'approve' | 'reject';
  actor: string;
  user?: string;
  /** The approver entry the decider was counted for. */
  approver: Approver;
  comment?: string;
  at: string;
}

export interface ApprovalState {
  id: string;
  stepId: string;
  attempt: number;
  message?: string;
  /** Who may decide (after an escalation, the escalation set). */
  approvers: Approver[];
  order: 'parallel' | 'sequential';
  mode: 'any' | 'all' | 'quorum';
  /** Approvals needed: 1 for any, every entry for all, the quorum otherwise. */
  needed: number;
  requesters: string[];
  decisions: Decision[];
  status: ApprovalStatus;
  escalated: boolean;
  dueAt?: string;
  reminders: number;
  createdAt: string;
  decidedAt?: string;
}

export interface WaitState {
  eventType: string;
  condition?: string;
}

export interface RunContext extends Omit<RunInput, 'at'> {
  steps: Record<string, StepRecord>;
  /** Step ids in the order they were entered. */
  path: string[];
  vars?: Record<string, unknown>;
  /** How a `terminate` step ended the run. */
  end?: 'succeeded' | 'failed' | 'cancelled';
  error?: { code: string; message: string };
  /** Durable timers the run holds: timer key -> step id. */
  timers?: Record<string, string>;
  /** Open and decided approvals, by step id. */
  approvals?: Record<string, ApprovalState>;
  /** Steps waiting for an outside event, by step id. */
  waits?: Record<string, WaitState>;
  /** Times each `on_error: { goto }` was taken, by the failing step's id. */
  loops?: Record<string, number>;
  /** Branches of a `parallel` step that finished, by its id (for `join: any`). */
  joined?: Record<string, number>;
  /** The case a `branch` step chose (`-1`: default), by its id. */
  chosen?: Record<string, number>;
  /** Steps whose retry back-off has elapsed: they re-enter with the next attempt. */
  retryDue?: Record<string, boolean>;
  /** When the latest event happened: the time of XState's own done events, which carry none. */
  clock?: string;
}

interface At {
  /** When the event happened (ISO): the machine's only source of time. */
  at: string;
}

export type RunEvent =
  | (At & {
      type: 'step.succeeded';
      stepId: string;
      attempt: number;
      tries: number;
      output: unknown;
      startedAt: string;
      finishedAt: string;
    })
  | (At & {
      type: 'step.failed';
      stepId: string;
      attempt: number;
      tries: number;
      error: { code: string; message: string };
      startedAt: string;
      finishedAt: string;
    })
  | (At & { type: 'timer.fired'; key: string })
  | (At & { type: 'approval.decided'; approvalId: string; decision: Decision })
  | (At & { type: 'signal'; eventType: string; sourceId: string; data: unknown })
  | (At & { type: 'run.cancel'; actor: string; reason?: string });

/** What the host does after the transition commits. */
export type Effect =
  | { type: 'dispatch'; stepId: string; kind: string; attempt: number; input: Record<string, unknown> }
  | { type: 'schedule'; key: string; stepId: string; dueAt: string }
  | { type: 'unschedule'; key: string }
  | { type: 'approval'; approval: ApprovalState }
  | { type: 'await'; stepId: string; eventType: string }
  | { type: 'unawait'; stepId: string }
  | { type: 'notify'; key: string; stepId: string; to: string[]; subject: string; message: string }
  /** A step another service executed succeeded: its result goes to the KRI emitter's result mappings. */
  | { type: 'result'; id: string; stepId: string; kind: string; output: unknown; at: string };

/** A behaviour's result: the context fields it changes and the effects it asks for. */
export interface Change {
  update?: Partial<RunContext>;
  effects?: Effect[];
}
