/**
 * Step kinds. A step is `{ id, type, <type>: { parameters } }` plus the options every step has (`if`,
 * `timeout`, `retry`, `on_error`). Every string parameter may hold `{{ expr }}` templates, rendered when
 * the step starts. `branch` and `parallel` hold nested step lists; ids are unique across the workflow.
 */
import { z } from 'zod';
import { Duration } from './duration.ts';
import { Expression } from './triggers.ts';

export const StepId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a step id is lower_snake_case, starting with a letter, at most 63 chars');

export const RetryPolicy = z.strictObject({
  /** Total attempts including the first. */
  attempts: z.int().min(1).max(20).default(3),
  /** Delay before the second attempt; doubles each attempt, with full jitter. */
  initial: Duration.default('1s'),
  /** Upper bound on one delay. */
  max: Duration.default('1m'),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** What a failed step does to the run: fail it (default), carry on, or jump to a step. */
export const OnError = z.union([
  z.enum(['fail', 'continue']),
  z.strictObject({
    goto: StepId,
    /** Required for a jump backwards: the most times it may be taken (an explicit loop). */
    max_loops: z.int().min(1).max(100).optional(),
  }),
]);
export type OnError = z.infer<typeof OnError>;

/** A string that is an http(s) URL, or a template that renders to one at run time. */
const HttpUrl = z.string().refine((value) => {
  if (value.includes('{{')) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http(s) URL');

/** A named relay destination of the tenant (`GET /api/relay-config`); the kind's default when omitted. */
const Destination = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i)
  .optional();

const Text = z.string().max(20_000);
/** Artifact names produced by earlier `document` steps. */
const Attachments = z.array(z.string().min(1).max(200)).max(20).optional();

export const relayStepTypes = [
  'notify',
  'slack',
  'teams',
  'email',
  'jira',
  'servicenow',
  'pagerduty',
  'webhook',
] as const;
export const channelKinds = ['slack', 'teams', 'email', 'pagerduty', 'webhook'] as const;

const params = {
  notify: z.strictObject({
    /** Who: a user, `role:<name>`, `group:<name>`, `owner` (the workflow's owner) or a template. */
    to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    message: Text,
    subject: z.string().max(500).optional(),
    /** Force a channel instead of each recipient's preferred one. */
    channel: z.enum(channelKinds).optional(),
  }),
  slack: z.strictObject({
    destination: Destination,
    channel: z.string().min(1).max(200),
    text: Text,
    attachments: Attachments,
  }),
  teams: z.strictObject({ destination: Destination, title: z.string().max(500).optional(), text: Text }),
  email: z.strictObject({
    destination: Destination,
    to: z.array(z.string().min(1)).min(1).max(100),
    cc: z.array(z.string().min(1)).max(100).optional(),
    subject: z.string().min(1).max(500),
    body: Text,
    attachments: Attachments,
  }),
  jira: z.strictObject({
    destination: Destination,
    action: z.enum(['create', 'comment', 'transition']).default('create'),
    project: z.string().max(100).optional(),
    issue_type: z.string().max(100).optional(),
    /** For `comment` and `transition`: the issue key, e.g. `{{ steps.open_ticket.output.key }}`. */
    issue: z.string().max(200).optional(),
    summary: z.string().max(500).optional(),
    description: Text.optional(),
    priority: z.string().max(50).optional(),
    assignee: z.string().max(200).optional(),
    labels: z.array(z.string().max(100)).max(50).optional(),
    comment: Text.optional(),
    transition: z.string().max(100).optional(),
    attachments: Attachments,
  }),
  servicenow: z.strictObject({
    destination: Destination,
    action: z.enum(['create', 'update']).default('create'),
    table: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .default('incident'),
    /** For `update`: the record's sys_id. */
    sys_id: z.string().max(200).optional(),
    fields: z.record(z.string(), z.unknown()),
  }),
  pagerduty: z.strictObject({
    destination: Destination,
    action: z.enum(['trigger', 'resolve']).default('trigger'),
    severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
    summary: z.string().min(1).max(1024),
    /** Defaults to the run id, so a resolve finds its trigger. */
    dedup_key: z.string().max(255).optional(),
  }),
  webhook: z.strictObject({
    destination: Destination,
    url: HttpUrl,
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    headers: z.record(z.string(), z.string()).optional(),
    /** Any JSON; every string in it may hold `{{ expr }}` templates. */
    body: z.unknown().optional(),
  }),
  approval: z.strictObject({
    /** Each entry: `{ user }`, `{ role }`, `{ group }` or `{ expression }` (e.g. the requester's manager). */
    approvers: z
      .array(
        z.union([
          z.strictObject({ user: z.string().min(1) }),
          z.strictObject({ role: z.string().min(1) }),
          z.strictObject({ group: z.string().min(1) }),
          z.strictObject({ expression: Expression }),
        ]),
      )
      .min(1, 'an approval needs at least one approver'),
    /** Ask everyone at once, or each in turn. */
    order: z.enum(['parallel', 'sequential']).default('parallel'),
    /** Decided by any one approver, all of them, or a quorum. */
    mode: z.enum(['any', 'all', 'quorum']).default('any'),
    quorum: z.int().min(1).max(100).optional(),
    message: Text.optional(),
    /** Remind undecided approvers this often. */
    remind_every: Duration.optional(),
    /** No decision by then: the outcome below. */
    timeout: Duration.optional(),
    on_timeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
    /** Who decides after an `escalate` timeout. */
    escalate_to: z
      .array(z.union([z.strictObject({ user: z.string() }), z.strictObject({ role: z.string() })]))
      .optional(),
  }),
  wait: z
    .strictObject({
      /** A duration, e.g. `30d`. */
      for: Duration.optional(),
      /** An ISO time or a template rendering to one. */
      until: z.string().max(200).optional(),
      /** An event of this type (with an optional condition over `event.*`). */
      event: z
        .strictObject({ type: z.string().min(1).max(200), condition: Expression.optional() })
        .optional(),
      /** Upper bound on waiting for the event. */
      timeout: Duration.optional(),
    })
    .refine((w) => [w.for, w.until, w.event].filter((x) => x !== undefined).length === 1, {
      message: 'a wait needs exactly one of for, until or event',
    }),
  set: z.strictObject({
    /** Run variables (`vars.<name>`): each value is a template or a literal. */
    vars: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/i), z.unknown()),
  }),
  evaluate: z.strictObject({
    /** A CEL expression; its value is the step's output. */
    expression: Expression,
  }),
  emit_kri: z.strictObject({
    /** One of the workflow's declared `emits`. */
    event: z.string().regex(/^[a-z0-9_]+$/),
    /** The KRI it is about, when the event type's definition does not fix it. */
    kri: z.string().max(128).optional(),
    value: z.unknown().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  }),
  expert_panel: z.strictObject({
    question: Text,
    personas: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(10)
      .default(['risk analyst', 'security engineer', 'auditor']),
    model: z.string().max(200).optional(),
  }),
  document: z.strictObject({
    /** The document's name: its artifacts are `<name>.md`, `<name>.html`, `<name>.pdf`; later steps' `attachments` use it. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a document name is letters, digits, _ and -'),
    title: z.string().max(500).optional(),
    /**
     * Markdown with `{{ }}` templates. A line `[[table:<name>]]` places a table of `tables`, a line
     * `[[chart:<name>]]` a chart of `charts`.
     */
    template: Text,
    /** Tables by name: `rows` is a list of objects (usually `{{ steps.<id>.output.items }}`). */
    tables: z
      .record(
        z.string().regex(/^[a-z0-9_]{1,63}$/),
        z.strictObject({
          rows: z.unknown(),
          /** Which fields, in order; the first row's keys when omitted. */
          columns: z.array(z.string().min(1).max(200)).max(50).optional(),
        }),
      )
      .optional(),
    /** Charts by name: a Vega-Lite spec (its `data.values` may be a template), rendered to SVG. */
    charts: z.record(z.string().regex(/^[a-z0-9_]{1,63}$/), z.record(z.string(), z.unknown())).optional(),
    formats: z
      .array(z.enum(['markdown', 'html', 'pdf']))
      .min(1)
      .default(['markdown']),
  }),
  remediation: z.strictObject({
    /** A registered remediation action of the tenant; never a shell command. */
    action: z.string().regex(/^[a-z0-9_]{1,100}$/, 'a remediation action is a registered name'),
    parameters: z.record(z.string(), z.unknown()).default({}),
  }),
  query: z.strictObject({
    source: z.enum(['runs', 'approvals', 'kri_events']),
    /** How far back, e.g. `7d`. */
    since: Duration.optional(),
    filter: z.record(z.string(), z.unknown()).optional(),
    limit: z.int().min(1).max(10_000).default(1_000),
  }),
  terminate: z.strictObject({
    status: z.enum(['succeeded', 'failed', 'cancelled']).default('succeeded'),
    reason: z.string().max(1000).optional(),
  }),
} as const;

export type StepParams = { [K in keyof typeof params]: z.infer<(typeof params)[K]> };

const common = {
  id: StepId,
  name: z.string().max(200).optional(),
  /** Run the step only when this holds; otherwise it is skipped. */
  if: Expression.optional(),
  timeout: Duration.optional(),
  retry: RetryPolicy.optional(),
  on_error: OnError.optional(),
};

function step<K extends keyof typeof params>(type: K) {
  return z.strictObject({ ...common, type: z.literal(type), [type]: params[type] } as typeof common & {
    type: z.ZodLiteral<K>;
  } & { [P in K]: (typeof params)[K] });
}

export const NotifyStep = step('notify');
export const SlackStep = step('slack');
export const TeamsStep = step('teams');
export const EmailStep = step('email');
export const JiraStep = step('jira');
export const ServiceNowStep = step('servicenow');
export const PagerDutyStep = step('pagerduty');
export const WebhookStep = step('webhook');
export const ApprovalStep = step('approval');
export const WaitStep = step('wait');
export const SetStep = step('set');
export const EvaluateStep = step('evaluate');
export const EmitKriStep = step('emit_kri');
export const ExpertPanelStep = step('expert_panel');
export const DocumentStep = step('document');
export const RemediationStep = step('remediation');
export const QueryStep = step('query');
export const TerminateStep = step('terminate');
export type WebhookStep = z.infer<typeof WebhookStep>;

/** Conditional paths: the first case whose `if` holds runs its steps; then the run continues after. */
export const BranchStep = z.strictObject({
  ...common,
  type: z.literal('branch'),
  branch: z.strictObject({
    cases: z
      .array(
        z.strictObject({
          if: Expression,
          get steps() {
            return z.array(Step).min(1);
          },
        }),
      )
      .min(1),
    get default() {
      return z.array(Step).optional();
    },
  }),
});

/** Branches that run at the same time; the step completes when all (or any) of them have. */
export const ParallelStep = z.strictObject({
  ...common,
  type: z.literal('parallel'),
  parallel: z.strictObject({
    join: z.enum(['all', 'any']).default('all'),
    branches: z
      .array(
        z.strictObject({
          name: z.string().max(200).optional(),
          get steps() {
            return z.array(Step).min(1);
          },
        }),
      )
      .min(2, 'a parallel step needs at least two branches'),
  }),
});

/** The options every step has, as a type. */
type StepCommon = z.infer<z.ZodObject<typeof common>>;

export interface BranchStep extends StepCommon {
  type: 'branch';
  branch: { cases: { if: string; steps: Step[] }[]; default?: Step[] | undefined };
}
export interface ParallelStep extends StepCommon {
  type: 'parallel';
  parallel: { join: 'all' | 'any'; branches: { name?: string | undefined; steps: Step[] }[] };
}

type LeafStep =
  | z.infer<typeof NotifyStep>
  | z.infer<typeof SlackStep>
  | z.infer<typeof TeamsStep>
  | z.infer<typeof EmailStep>
  | z.infer<typeof JiraStep>
  | z.infer<typeof ServiceNowStep>
  | z.infer<typeof PagerDutyStep>
  | z.infer<typeof WebhookStep>
  | z.infer<typeof ApprovalStep>
  | z.infer<typeof WaitStep>
  | z.infer<typeof SetStep>
  | z.infer<typeof EvaluateStep>
  | z.infer<typeof EmitKriStep>
  | z.infer<typeof ExpertPanelStep>
  | z.infer<typeof DocumentStep>
  | z.infer<typeof RemediationStep>
  | z.infer<typeof QueryStep>
  | z.infer<typeof TerminateStep>;

export type Step = LeafStep | BranchStep | ParallelStep;
export type StepKind = Step['type'];

export const Step: z.ZodType<Step> = z.discriminatedUnion('type', [
  NotifyStep,
  SlackStep,
  TeamsStep,
  EmailStep,
  JiraStep,
  ServiceNowStep,
  PagerDutyStep,
  WebhookStep,
  ApprovalStep,
  WaitStep,
  SetStep,
  EvaluateStep,
  EmitKriStep,
  ExpertPanelStep,
  DocumentStep,
  RemediationStep,
  QueryStep,
  TerminateStep,
  BranchStep,
  ParallelStep,
]);

export const stepKinds = [...Object.keys(params), 'branch', 'parallel'] as StepKind[];
