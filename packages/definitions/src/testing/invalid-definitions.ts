/**
 * Invalid definitions, each wrong in one way, with the exact `{ path, message }` the validator gives.
 * Shared by the validator's unit tests and the API's integration tests (which expect them as 422s).
 */
import type { FieldError } from '@riskloop/contracts';

type Json = Record<string, unknown>;

const post = (id = 'post', extra: Json = {}): Json => ({
  id,
  type: 'slack',
  slack: { channel: '#grc', text: 'hello' },
  ...extra,
});
/** The valid definition every case starts from. */
export const definition = (patch: Json = {}): Json => ({
  name: 'Invalid on purpose',
  triggers: [{ type: 'manual' }],
  steps: [post()],
  ...patch,
});
const withSteps = (...steps: Json[]): Json => definition({ steps });
const withTrigger = (trigger: Json): Json => definition({ triggers: [trigger] });
const without = (key: string): Json => {
  const { [key]: _dropped, ...rest } = definition();
  return rest;
};
const approval = (params: Json, extra: Json = {}): Json => ({
  id: 'approve',
  type: 'approval',
  approval: { approvers: [{ role: 'risk_owner' }], ...params },
  ...extra,
});
const doc = (params: Json): Json => ({
  id: 'report',
  type: 'document',
  document: { name: 'report', template: '# Report', formats: ['pdf'], ...params },
});
const wait = (params: Json): Json => ({ id: 'pause', type: 'wait', wait: params });
const branch = (id: string, cases: { if: string; steps: Json[] }[], extra: Json = {}): Json => ({
  id,
  type: 'branch',
  branch: { cases },
  ...extra,
});
const parallel = (id: string, ...branches: Json[][]): Json => ({
  id,
  type: 'parallel',
  parallel: { branches: branches.map((steps) => ({ steps })) },
});

const stepTypes =
  'notify, slack, teams, email, jira, servicenow, pagerduty, webhook, approval, wait, set, evaluate, emit_kri, ' +
  'expert_panel, document, remediation, query, terminate, branch, parallel';
const stepRoots = 'trigger, steps, vars, run, workflow, tenant, now';
const durationMessage = 'expected a duration such as 30s, 5m, 48h, 7d or 2w';

export const invalidDefinitions: [title: string, input: unknown, errors: FieldError[]][] = [
  // Unknown fields are refused where they are.
  [
    'an unknown top-level field',
    definition({ version: '1.0' }),
    [{ path: 'version', message: 'unknown field' }],
  ],
  [
    'an unknown field in a trigger',
    withTrigger({ type: 'event', event: 'scan.result', minSeverity: 'high' }),
    [{ path: 'triggers[0].minSeverity', message: 'unknown field' }],
  ],
  [
    'an unknown field in a step',
    withSteps(post('post', { next: ['s2'] })),
    [{ path: 'steps[0].next', message: 'unknown field' }],
  ],
  [
    'an unknown field in step parameters',
    withSteps({ id: 'post', type: 'slack', slack: { channel: '#grc', text: 'hi', color: 'red' } }),
    [{ path: 'steps[0].slack.color', message: 'unknown field' }],
  ],
  [
    'an unknown field in a nested step',
    withSteps(branch('route', [{ if: 'true', steps: [post('inner', { when: 'always' })] }])),
    [{ path: 'steps[0].branch.cases[0].steps[0].when', message: 'unknown field' }],
  ],
  [
    'an unknown field in an approver',
    withSteps(approval({ approvers: [{ user: 'ada', weight: 2 }] })),
    [{ path: 'steps[0].approval.approvers[0].weight', message: 'unknown field' }],
  ],
  [
    'an approver of an unknown kind',
    withSteps(approval({ approvers: [{ team: 'grc' }] })),
    [
      { path: 'steps[0].approval.approvers[0]', message: 'needs one of user, role, group, expression' },
      { path: 'steps[0].approval.approvers[0].team', message: 'unknown field' },
    ],
  ],
  [
    "parameters under another kind's key",
    withSteps({ id: 'post', type: 'slack', notify: { to: 'owner', message: 'hi' } }),
    [
      { path: 'steps[0].slack', message: 'required' },
      { path: 'steps[0].notify', message: 'unknown field' },
    ],
  ],

  // Required parts.
  ['a missing name', without('name'), [{ path: 'name', message: 'required' }]],
  ['an empty name', definition({ name: '' }), [{ path: 'name', message: 'must not be empty' }]],
  ['missing triggers', without('triggers'), [{ path: 'triggers', message: 'required' }]],
  [
    'no triggers',
    definition({ triggers: [] }),
    [{ path: 'triggers', message: 'a workflow needs at least one trigger' }],
  ],
  ['missing steps', without('steps'), [{ path: 'steps', message: 'required' }]],
  ['no steps', definition({ steps: [] }), [{ path: 'steps', message: 'a workflow needs at least one step' }]],
  [
    'a step without parameters',
    withSteps({ id: 'post', type: 'slack' }),
    [{ path: 'steps[0].slack', message: 'required' }],
  ],

  // Step ids and kinds.
  [
    'a step id that is not lower_snake_case',
    withSteps(post('Post-Result')),
    [
      {
        path: 'steps[0].id',
        message: 'a step id is lower_snake_case, starting with a letter, at most 63 chars',
      },
    ],
  ],
  [
    'a step without an id',
    withSteps({ type: 'slack', slack: { channel: '#grc', text: 'hi' } }),
    [{ path: 'steps[0].id', message: 'required' }],
  ],
  [
    'a duplicate step id',
    withSteps(post('post'), post('post')),
    [{ path: 'steps[1].id', message: 'duplicate step id post' }],
  ],
  [
    'a duplicate step id inside a branch',
    withSteps(post('post'), branch('route', [{ if: 'true', steps: [post('post')] }])),
    [{ path: 'steps[1].branch.cases[0].steps[0].id', message: 'duplicate step id post' }],
  ],
  [
    'a duplicate step id across parallel branches',
    withSteps(parallel('fan_out', [post('tell')], [post('tell')])),
    [{ path: 'steps[0].parallel.branches[1].steps[0].id', message: 'duplicate step id tell' }],
  ],
  [
    'an unknown step type',
    withSteps({ id: 'run', type: 'runScript', runScript: { script: 'fix.sh' } }),
    [{ path: 'steps[0].type', message: `unknown step type "runScript"; expected one of ${stepTypes}` }],
  ],
  [
    'a step without a type',
    withSteps({ id: 'post', slack: { channel: '#grc', text: 'hi' } }),
    [{ path: 'steps[0].type', message: `a step needs a type: one of ${stepTypes}` }],
  ],

  // Triggers.
  [
    'an unknown trigger type',
    withTrigger({ type: 'onPR', config: { repo: 'archguard/platform' } }),
    [
      {
        path: 'triggers[0].type',
        message: 'unknown trigger type "onPR"; expected one of kri_breach, event, schedule, manual, webhook',
      },
    ],
  ],
  [
    'a cron that is not five fields',
    withTrigger({ type: 'schedule', cron: 'every monday' }),
    [{ path: 'triggers[0].cron', message: 'expected a five-field cron expression such as "0 9 * * MON"' }],
  ],
  [
    'a cron with an hour out of range',
    withTrigger({ type: 'schedule', cron: '0 25 * * MON' }),
    [{ path: 'triggers[0].cron', message: 'invalid cron: CronPattern: Invalid value for hour: 25' }],
  ],
  [
    'an unknown time zone',
    withTrigger({ type: 'schedule', cron: '0 9 * * MON', timezone: 'Mars/Olympus_Mons' }),
    [{ path: 'triggers[0].timezone', message: 'unknown time zone' }],
  ],
  [
    'a KRI id with spaces',
    withTrigger({ type: 'kri_breach', kri: 'critical cves' }),
    [{ path: 'triggers[0].kri', message: 'a KRI id is letters, digits, _ . -' }],
  ],
  [
    'an event type with spaces',
    withTrigger({ type: 'event', event: 'scan result' }),
    [{ path: 'triggers[0].event', message: 'an event type is dot-separated words' }],
  ],
  [
    'an unknown webhook preset',
    withTrigger({ type: 'webhook', preset: 'bitbucket.pull_request' }),
    [
      {
        path: 'triggers[0].preset',
        message: 'expected one of generic, github.pull_request, gitlab.merge_request',
      },
    ],
  ],
  [
    'two manual triggers',
    definition({ triggers: [{ type: 'manual' }, { type: 'manual' }] }),
    [{ path: 'triggers', message: 'at most one manual trigger' }],
  ],

  // URLs and durations.
  [
    'a webhook URL that is not http(s)',
    withSteps({ id: 'call', type: 'webhook', webhook: { url: 'ftp://files.example.test/in' } }),
    [{ path: 'steps[0].webhook.url', message: 'expected an http(s) URL' }],
  ],
  [
    'a webhook URL that is not a URL',
    withSteps({ id: 'call', type: 'webhook', webhook: { url: 'hooks.example.test/in' } }),
    [{ path: 'steps[0].webhook.url', message: 'expected an http(s) URL' }],
  ],
  [
    'a duration in words',
    withSteps(post('post', { timeout: '10 minutes' })),
    [{ path: 'steps[0].timeout', message: durationMessage }],
  ],
  [
    'a duration in an unknown unit',
    withSteps(wait({ for: '1y' })),
    [{ path: 'steps[0].wait.for', message: durationMessage }],
  ],
  [
    'an approval timeout over 90 days',
    withSteps(approval({ timeout: '91d' })),
    [{ path: 'steps[0].approval.timeout', message: 'an approval timeout must be at most 90d' }],
  ],
  [
    'a step timeout over 30 days',
    withSteps(post('post', { timeout: '5w' })),
    [{ path: 'steps[0].timeout', message: 'a step timeout must be at most 30d' }],
  ],
  [
    'a step timeout under 100ms',
    withSteps(post('post', { timeout: '10ms' })),
    [{ path: 'steps[0].timeout', message: 'a step timeout must be at least 100ms' }],
  ],
  [
    'a wait over 400 days',
    withSteps(wait({ for: '401d' })),
    [{ path: 'steps[0].wait.for', message: 'a wait must be at most 400d' }],
  ],
  [
    'a retry max below its initial delay',
    withSteps(post('post', { retry: { attempts: 3, initial: '1m', max: '10s' } })),
    [{ path: 'steps[0].retry.max', message: 'retry max must be at least retry initial' }],
  ],
  [
    'a reminder every five minutes',
    withSteps(approval({ remind_every: '5m', timeout: '1d' })),
    [{ path: 'steps[0].approval.remind_every', message: 'a reminder interval must be at least 15m' }],
  ],

  // Approvals.
  [
    'an approval with no approvers',
    withSteps(approval({ approvers: [] })),
    [{ path: 'steps[0].approval.approvers', message: 'an approval needs at least one approver' }],
  ],
  [
    'a quorum approval without a quorum',
    withSteps(approval({ mode: 'quorum' })),
    [{ path: 'steps[0].approval.quorum', message: 'a quorum approval needs quorum' }],
  ],
  [
    'a quorum on an any-approver approval',
    withSteps(approval({ quorum: 2 })),
    [{ path: 'steps[0].approval.quorum', message: 'quorum applies only to mode quorum' }],
  ],
  [
    'a quorum larger than the named users',
    withSteps(approval({ approvers: [{ user: 'ada' }, { user: 'grace' }], mode: 'quorum', quorum: 3 })),
    [{ path: 'steps[0].approval.quorum', message: 'a quorum of 3 exceeds the 2 approvers' }],
  ],
  [
    'an escalation without escalate_to',
    withSteps(approval({ timeout: '2d', on_timeout: 'escalate' })),
    [{ path: 'steps[0].approval.escalate_to', message: 'on_timeout escalate needs escalate_to' }],
  ],
  [
    'an approve-on-timeout without a timeout',
    withSteps(approval({ on_timeout: 'approve' })),
    [{ path: 'steps[0].approval.timeout', message: 'on_timeout approve needs a timeout' }],
  ],

  // Waits.
  [
    'a wait for nothing',
    withSteps(wait({})),
    [{ path: 'steps[0].wait', message: 'a wait needs exactly one of for, until or event' }],
  ],
  [
    'a wait for a duration and until a time',
    withSteps(wait({ for: '1d', until: '2030-01-01T00:00:00Z' })),
    [{ path: 'steps[0].wait', message: 'a wait needs exactly one of for, until or event' }],
  ],
  [
    'a wait for a duration and an event',
    withSteps(wait({ for: '1d', event: { type: 'patch.confirmed' } })),
    [{ path: 'steps[0].wait', message: 'a wait needs exactly one of for, until or event' }],
  ],

  // KRI events.
  [
    'emitting an undeclared event',
    withSteps({ id: 'record', type: 'emit_kri', emit_kri: { event: 'patch_applied' } }),
    [{ path: 'steps[0].emit_kri.event', message: 'patch_applied is not declared in emits' }],
  ],
  [
    'declaring an event type that is not snake_case',
    definition({ emits: ['Patch Applied'] }),
    [{ path: 'emits[0]', message: 'an event type is lower_snake_case' }],
  ],

  // Control flow.
  [
    'a goto to an unknown step',
    withSteps(post('post', { on_error: { goto: 'cleanup' } })),
    [{ path: 'steps[0].on_error.goto', message: 'unknown step cleanup' }],
  ],
  [
    'a goto backwards without max_loops',
    withSteps(post('first'), post('second', { on_error: { goto: 'first' } })),
    [
      {
        path: 'steps[1].on_error.goto',
        message: 'a jump back to first is a cycle; set max_loops to make it an explicit loop',
      },
    ],
  ],
  [
    'a goto into another block',
    withSteps(
      post('post', { on_error: { goto: 'inner' } }),
      branch('route', [{ if: 'true', steps: [post('inner')] }]),
    ),
    [
      {
        path: 'steps[0].on_error.goto',
        message: 'inner is not in the same step list; goto stays within its block',
      },
    ],
  ],
  [
    'an on_error that is neither fail, continue nor a goto',
    withSteps(post('post', { on_error: 'retry' })),
    [{ path: 'steps[0].on_error', message: 'expected fail, continue or { goto: <step id> }' }],
  ],
  [
    'an on_error jump with an unknown field',
    withSteps(post('first'), post('second', { on_error: { goto: 'first', loops: 2 } })),
    [{ path: 'steps[1].on_error.loops', message: 'unknown field' }],
  ],
  [
    'a step after an unconditional terminate',
    withSteps({ id: 'stop', type: 'terminate', terminate: {} }, post('post')),
    [{ path: 'steps[1]', message: 'unreachable: step stop always ends the run before it' }],
  ],
  [
    'a parallel step with one branch',
    withSteps(parallel('fan_out', [post('tell')])),
    [{ path: 'steps[0].parallel.branches', message: 'a parallel step needs at least two branches' }],
  ],
  [
    'a branch without cases',
    withSteps({ id: 'route', type: 'branch', branch: { cases: [] } }),
    [{ path: 'steps[0].branch.cases', message: 'must not be empty' }],
  ],

  // Expressions that do not parse.
  [
    'an if that does not parse',
    withSteps(post('post', { if: 'trigger.severity ==' })),
    [
      {
        path: 'steps[0].if',
        message: 'invalid expression "trigger.severity ==": Unexpected token: EOF (column 20)',
      },
    ],
  ],
  [
    'a trigger condition that does not parse',
    withTrigger({ type: 'event', event: 'scan.result', condition: 'trigger.severity in ["high"' }),
    [
      {
        path: 'triggers[0].condition',
        message:
          'invalid expression "trigger.severity in [\\"high\\"": Expected RBRACKET, got EOF (column 28)',
      },
    ],
  ],
  [
    'a branch case that does not parse',
    withSteps(branch('route', [{ if: 'trigger.a = 1', steps: [post('inner')] }])),
    [
      {
        path: 'steps[0].branch.cases[0].if',
        message: 'invalid expression "trigger.a = 1": Unexpected character: = (column 11)',
      },
    ],
  ],
  [
    'a template in a parameter that does not parse',
    withSteps({ id: 'post', type: 'slack', slack: { channel: '#grc', text: 'Hello {{ trigger.name + }}' } }),
    [
      {
        path: 'steps[0].slack.text',
        message:
          'in "{{ }}" at offset 6: invalid expression "trigger.name +": Unexpected token: EOF (column 15)',
      },
    ],
  ],
  [
    'an unclosed template',
    withSteps({ id: 'post', type: 'slack', slack: { channel: '#grc', text: 'Hello {{ trigger.name' } }),
    [{ path: 'steps[0].slack.text', message: 'unclosed "{{" at offset 6: "{{ trigger.name"' }],
  ],
  [
    'an evaluate expression that does not parse',
    withSteps({ id: 'grade', type: 'evaluate', evaluate: { expression: 'trigger.a ? "HIGH"' } }),
    [
      {
        path: 'steps[0].evaluate.expression',
        message: 'invalid expression "trigger.a ? \\"HIGH\\"": Expected COLON, got EOF (column 19)',
      },
    ],
  ],

  // Expressions that read what is not there.
  [
    'an if that reads an unknown step',
    withSteps(post('post', { if: 'steps.assess.output == "HIGH"' })),
    [{ path: 'steps[0].if', message: 'refers to unknown step assess' }],
  ],
  [
    'an if that reads a later step',
    withSteps(post('first', { if: 'steps.second.status == "succeeded"' }), post('second')),
    [{ path: 'steps[0].if', message: 'refers to step second, which cannot have run yet' }],
  ],
  [
    "a template that reads a sibling parallel branch's step",
    withSteps(
      parallel(
        'fan_out',
        [{ id: 'open_ticket', type: 'jira', jira: { project: 'SEC', summary: 'Patch' } }],
        [post('tell', { slack: { channel: '#grc', text: 'Ticket {{ steps.open_ticket.output.key }}' } })],
      ),
    ),
    [
      {
        path: 'steps[0].parallel.branches[1].steps[0].slack.text',
        message: 'refers to step open_ticket, which cannot have run yet',
      },
    ],
  ],
  [
    'an approver expression that reads a later step',
    withSteps(approval({ approvers: [{ expression: 'steps.lookup.output.manager' }] }), post('lookup')),
    [
      {
        path: 'steps[0].approval.approvers[0].expression',
        message: 'refers to step lookup, which cannot have run yet',
      },
    ],
  ],
  [
    'an unknown root name',
    withSteps(post('post', { if: 'foo.bar == 1' })),
    [{ path: 'steps[0].if', message: `unknown name foo; here an expression can use ${stepRoots}` }],
  ],
  [
    'a seed-style root name in a template',
    withSteps({
      id: 'post',
      type: 'slack',
      slack: { channel: '#grc', text: 'Bucket {{ violation.resource.name }}' },
    }),
    [
      {
        path: 'steps[0].slack.text',
        message: `unknown name violation; here an expression can use ${stepRoots}`,
      },
    ],
  ],
  [
    'a trigger condition that reads steps',
    withTrigger({ type: 'event', event: 'scan.result', condition: 'steps.s1.output.ok' }),
    [
      {
        path: 'triggers[0].condition',
        message: 'unknown name steps; here an expression can use trigger, tenant, now',
      },
    ],
  ],
  [
    'a workflow condition that reads vars',
    definition({ conditions: ['vars.enabled'] }),
    [
      {
        path: 'conditions[0]',
        message: 'unknown name vars; here an expression can use trigger, tenant, workflow, now',
      },
    ],
  ],

  [
    'a wait event condition with an unknown name',
    withSteps(wait({ event: { type: 'patch.confirmed', condition: 'payload.ticket == trigger.ticket' } })),
    [
      {
        path: 'steps[0].wait.event.condition',
        message: `unknown name payload; here an expression can use ${stepRoots}, event`,
      },
    ],
  ],

  // Values of the wrong kind.
  [
    'an email recipient that is not a list',
    withSteps({
      id: 'mail',
      type: 'email',
      email: { to: 'ciso@company.com', subject: 'Incident', body: 'See ticket' },
    }),
    [{ path: 'steps[0].email.to', message: 'expected a list, got text' }],
  ],
  [
    'a step that is not a mapping',
    withSteps(post(), 'notify the owner' as unknown as Json),
    [{ path: 'steps[1]', message: 'expected a mapping, got text' }],
  ],
  [
    'a variable name with a dash',
    withSteps({ id: 'remember', type: 'set', set: { vars: { 'routed-team': 'Network' } } }),
    [
      {
        path: 'steps[0].set.vars.routed-team',
        message: 'invalid key "routed-team": must match /^[a-z_][a-z0-9_]*$/i',
      },
    ],
  ],
  [
    'a document name with a space',
    withSteps({
      id: 'report',
      type: 'document',
      document: { name: 'evidence summary', template: '# Evidence' },
    }),
    [{ path: 'steps[0].document.name', message: 'a document name is letters, digits, _ and -' }],
  ],
  [
    'an unknown query source',
    withSteps({ id: 'violations', type: 'query', query: { source: 'violations', since: '7d' } }),
    [{ path: 'steps[0].query.source', message: 'expected one of runs, approvals, kri_events' }],
  ],
  [
    'a query window under a minute',
    withSteps({ id: 'recent', type: 'query', query: { source: 'runs', since: '30s' } }),
    [{ path: 'steps[0].query.since', message: 'a query window must be at least 1m' }],
  ],
  [
    'an escalation to a group',
    withSteps(approval({ timeout: '2d', on_timeout: 'escalate', escalate_to: [{ group: 'executives' }] })),
    [
      { path: 'steps[0].approval.escalate_to[0]', message: 'needs one of user, role' },
      { path: 'steps[0].approval.escalate_to[0].group', message: 'unknown field' },
    ],
  ],

  // Step parameters that only make sense together.
  [
    'a jira create without a project',
    withSteps({ id: 'ticket', type: 'jira', jira: { summary: 'Patch critical CVEs' } }),
    [{ path: 'steps[0].jira.project', message: 'a jira create needs project' }],
  ],
  [
    'a jira comment without an issue',
    withSteps({ id: 'ticket', type: 'jira', jira: { action: 'comment', comment: 'Patched' } }),
    [{ path: 'steps[0].jira.issue', message: 'a jira comment needs issue' }],
  ],
  [
    'a servicenow update without sys_id',
    withSteps({
      id: 'route',
      type: 'servicenow',
      servicenow: { action: 'update', fields: { assignment_group: 'Network' } },
    }),
    [{ path: 'steps[0].servicenow.sys_id', message: 'a servicenow update needs sys_id' }],
  ],
  [
    'a remediation that is a shell command',
    withSteps({ id: 'fix', type: 'remediation', remediation: { action: 'rm -rf /' } }),
    [{ path: 'steps[0].remediation.action', message: 'a remediation action is a registered name' }],
  ],
  [
    'a notify through a channel kind that does not exist',
    withSteps({ id: 'tell', type: 'notify', notify: { to: 'owner', message: 'hi', channel: 'sms' } }),
    [{ path: 'steps[0].notify.channel', message: 'expected one of slack, teams, email, pagerduty, webhook' }],
  ],
  [
    'a document template with an unclosed {{',
    withSteps(doc({ template: '# Report\n\nRuns: {{ trigger.count' })),
    [{ path: 'steps[0].document.template', message: 'unclosed "{{" at offset 16: "{{ trigger.count"' }],
  ],
  [
    'a document template that refers to an unknown step',
    withSteps(doc({ template: 'Key: {{ steps.open_ticket.output.key }}' })),
    [{ path: 'steps[0].document.template', message: 'refers to unknown step open_ticket' }],
  ],
  [
    'a document template that places a chart the step does not define',
    withSteps(doc({ template: '# Report\n[[chart:scores]]\n' })),
    [
      {
        path: 'steps[0].document.template',
        message: 'line 2 places chart scores, which is not in document.charts',
      },
    ],
  ],
  [
    'a document chart with a mark Vega-Lite does not have',
    withSteps(doc({ charts: { scores: { mark: 'pie', encoding: {} } } })),
    [
      {
        path: 'steps[0].document.charts.scores',
        message:
          'unknown mark "pie"; one of arc, area, bar, boxplot, circle, errorband, errorbar, geoshape, image, line, point, rect, rule, square, text, tick, trail',
      },
    ],
  ],
  [
    'a document chart that loads its data from a URL',
    withSteps(doc({ charts: { scores: { data: { url: 'https://x.test/d.json' }, mark: 'bar' } } })),
    [
      {
        path: 'steps[0].document.charts.scores',
        message: 'spec.data.url: charts take inline data (data.values), never a URL',
      },
    ],
  ],
  [
    'a query of runs filtered by a field runs do not have',
    withSteps({ id: 'report', type: 'query', query: { source: 'runs', filter: { colour: 'red' } } }),
    [
      {
        path: 'steps[0].query.filter.colour',
        message: 'runs cannot be filtered by colour; use one of status, workflow_id, workflow_version',
      },
    ],
  ],
  [
    'a query filter value that is an object',
    withSteps({
      id: 'report',
      type: 'query',
      query: { source: 'kri_events', filter: { framework: { any: ['SOC2'] } } },
    }),
    [
      {
        path: 'steps[0].query.filter.framework',
        message: 'a filter value is a string, number, boolean or a list of them',
      },
    ],
  ],
];
