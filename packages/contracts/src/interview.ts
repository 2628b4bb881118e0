/**
 * Authoring by interview: the API bodies and views of `/api/workflow-interviews`, the interview service's
 * RPC methods, the registry methods that save a confirmed draft with its provenance, and the relay method
 * that lists the tenant's destinations (what a draft may name).
 */
import { z } from 'zod';
import { WorkflowView } from './views.ts';
import { rpc } from './rpc.ts';

export const InterviewStatus = z.enum(['open', 'confirmed', 'abandoned']);
export type InterviewStatus = z.infer<typeof InterviewStatus>;

/** `llm`: the configured model asks; `guided`: the deterministic interviewer (no LLM, or it was unreachable). */
export const InterviewMode = z.enum(['llm', 'guided']);
export type InterviewMode = z.infer<typeof InterviewMode>;

const PathError = z.object({ path: z.string(), message: z.string() });

/** One turn of the conversation. Turns are numbered from 1 and never change once written. */
export const TranscriptTurn = z.object({
  seq: z.int().positive(),
  role: z.enum(['admin', 'assistant']),
  text: z.string(),
  at: z.string(),
  /** Assistant turns: who answered (the model, or the guided interviewer). */
  mode: InterviewMode.optional(),
  model: z.string().optional(),
  /** Parts of the draft this turn changed (`name`, `triggers`, `steps.notify_owner`, ...). */
  changed: z.array(z.string()).optional(),
  /** What was wrong with a proposal that was therefore not applied. */
  errors: z.array(PathError).optional(),
});
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;

/** A part of the draft that is still missing or ambiguous, and the question that settles it. */
export const InterviewGap = z.object({
  part: z.string(),
  question: z.string(),
  /** True when the draft cannot be confirmed without it. */
  blocking: z.boolean(),
});
export type InterviewGap = z.infer<typeof InterviewGap>;

export const InterviewResult = z.object({
  workflowId: z.uuid(),
  version: z.int().positive(),
  /** sha256 (hex) of the archived transcript, also recorded on the workflow version. */
  transcriptHash: z.string(),
});

export const InterviewView = z.object({
  id: z.uuid(),
  status: InterviewStatus,
  mode: InterviewMode,
  model: z.string().nullable(),
  goal: z.string().nullable(),
  /** The workflow this interview edits (null: it authors a new one). */
  workflowId: z.uuid().nullable(),
  /** The draft definition so far (may be incomplete). */
  draft: z.record(z.string(), z.unknown()),
  /** True when the draft validates and may be confirmed. */
  valid: z.boolean(),
  errors: z.array(PathError),
  missing: z.array(InterviewGap),
  /** What the draft will do, in plain words. */
  summary: z.array(z.string()),
  /** For each part of the draft, the turn that justified it. */
  provenance: z.record(z.string(), z.int()),
  transcript: z.array(TranscriptTurn),
  result: InterviewResult.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type InterviewView = z.infer<typeof InterviewView>;

export const StartInterviewBody = z.strictObject({
  /** One sentence on what the workflow should do. */
  goal: z.string().min(1).max(2000).optional(),
  /** Edit this workflow: its latest version is the starting draft; confirming makes a new version. */
  workflowId: z.uuid().optional(),
});
export type StartInterviewBody = z.infer<typeof StartInterviewBody>;

export const InterviewMessageBody = z.strictObject({ text: z.string().trim().min(1).max(4000) });
export type InterviewMessageBody = z.infer<typeof InterviewMessageBody>;

export const InterviewReply = z.object({ reply: z.string(), interview: InterviewView });
export type InterviewReply = z.infer<typeof InterviewReply>;

/** What the interview service publishes on the caller's inbox while a reply is being written. */
export const InterviewStreamChunk = z.union([
  z.object({ delta: z.string() }),
  /** The model's answer was refused and is being asked again: drop what was streamed so far. */
  z.object({ reset: z.literal(true) }),
]);
export type InterviewStreamChunk = z.infer<typeof InterviewStreamChunk>;

export const TranscriptView = z.object({
  interviewId: z.uuid(),
  status: InterviewStatus,
  /** True once confirmed: the turns below are the archived copy, append-only. */
  archived: z.boolean(),
  archivedAt: z.string().nullable(),
  hash: z.string().nullable(),
  /** The hash recomputed from the archived turns matches the recorded one. */
  hashVerified: z.boolean().nullable(),
  result: InterviewResult.nullable(),
  turns: z.array(TranscriptTurn),
});
export type TranscriptView = z.infer<typeof TranscriptView>;

export const InterviewSettings = z.object({
  /** The tenant's model for interviews and expert panels (null: the deployment default). */
  model: z.string().nullable(),
  defaultModel: z.string(),
  /** Whether an LLM is configured at all (`OLLAMA_HOST`); without one interviews are guided. */
  llmConfigured: z.boolean(),
});
export type InterviewSettings = z.infer<typeof InterviewSettings>;

export const InterviewSettingsBody = z.strictObject({
  model: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,200}$/, 'a model name such as llama3.1:8b')
    .nullable(),
});

/** Recorded on a workflow version that an interview produced. */
export const InterviewProvenance = z.object({
  source: z.literal('interview'),
  interviewId: z.uuid(),
  transcriptHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** For each part of the definition, the transcript turn that justified it. */
  parts: z.record(z.string(), z.int()).default({}),
});
export type InterviewProvenance = z.infer<typeof InterviewProvenance>;

/** A relay destination of the tenant, by name and type (never its URL or credentials). */
export const DestinationRef = z.object({ name: z.string(), type: z.string() });
export type DestinationRef = z.infer<typeof DestinationRef>;

const Interview = z.object({ interviewId: z.uuid() });
const Actor = z.object({ actor: z.string() });
/** A NATS inbox (`_INBOX.*`) the gateway listens on for the reply as it is written. */
const StreamTo = z
  .string()
  .regex(/^_INBOX\.[A-Za-z0-9_.-]+$/)
  .optional();

export const interviewRpcs = {
  startInterview: rpc('interview', 'start', Actor.extend(StartInterviewBody.shape), InterviewView),
  sendInterviewMessage: rpc(
    'interview',
    'message',
    Interview.extend(Actor.shape).extend({ text: InterviewMessageBody.shape.text, streamTo: StreamTo }),
    InterviewReply,
  ),
  getInterview: rpc('interview', 'get', Interview, InterviewView),
  confirmInterview: rpc('interview', 'confirm', Interview.extend(Actor.shape), InterviewView),
  abandonInterview: rpc(
    'interview',
    'abandon',
    Interview.extend(Actor.shape).extend({ reason: z.string().max(2000).optional() }),
    InterviewView,
  ),
  getInterviewTranscript: rpc('interview', 'transcript', Interview, TranscriptView),
  getInterviewSettings: rpc('interview', 'settings-get', z.object({}), InterviewSettings),
  putInterviewSettings: rpc(
    'interview',
    'settings-put',
    Actor.extend(InterviewSettingsBody.shape),
    InterviewSettings,
  ),
  /** Registry: a confirmed interview becomes a draft workflow at version 1 (idempotent per interview). */
  createWorkflowFromInterview: rpc(
    'registry',
    'create-from-interview',
    Actor.extend({ definition: z.unknown(), provenance: InterviewProvenance }),
    WorkflowView,
  ),
  /** Registry: an interview that edited a workflow becomes its next version (idempotent per interview). */
  reviseWorkflowFromInterview: rpc(
    'registry',
    'revise-from-interview',
    Actor.extend({
      workflowId: z.uuid(),
      definition: z.unknown(),
      reason: z.string().min(1).max(2000),
      provenance: InterviewProvenance,
    }),
    WorkflowView,
  ),
} as const;
