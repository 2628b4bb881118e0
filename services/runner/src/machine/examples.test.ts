/**
 * Real workflows from `examples/`, parsed from their YAML and driven to their end by feeding the events a
 * host would: step results, approval decisions and timers. Every dispatched step is read back as its kind
 * and the parameters the host would send to the service that executes it.
 */
import { WorkflowDefinition } from '@riskloop/contracts';
import { parseYaml, validateDefinition } from '@riskloop/definitions';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  at,
  caller,
  day,
  decide,
  fired,
  hour,
  only,
  runInput,
  startRun,
  succeeded,
  withoutNotify,
  withoutResults,
  type Run,
} from './testing.ts';
import type { Effect } from './types.ts';

const example = (name: string) =>
  WorkflowDefinition.parse(
    parseYaml(readFileSync(new URL(`../../../../examples/${name}.yaml`, import.meta.url), 'utf8')),
  );

const dispatched = (effects: readonly Effect[]) => only(effects, 'dispatch');
const ids = (effects: readonly Effect[]) => dispatched(effects).map((d) => d.stepId);
function bodyOf(effects: readonly Effect[], stepId: string): Record<string, unknown> | undefined {
  const step = dispatched(effects).find((d) => d.stepId === stepId);
  return step && { kind: step.kind, ...step.input };
}

test.each(['zentra-new-joiner', 'policycortex-approval-chain'])('%s parses and validates', (name) => {
  const definition = example(name);

  expect(validateDefinition(definition)).toMatchObject({ ok: true });
});

describe('zentra new joiner', () => {
  const payload = {
    record_type: 'new_joiner',
    hr_contact: 'hr@zentra.test',
    survey_url: 'https://survey.zentra.test/s/1',
    joiner: {
      name: 'Nia Patel',
      first_name: 'Nia',
      title: 'Risk Analyst',
      start_date: '2026-04-01',
      line_manager: 'mia',
      email: 'nia@zentra.test',
    },
  };
  const start = () => startRun(example('zentra-new-joiner'), runInput(payload, 'key:hr-system'));
  const tickets = { laptop_ticket: 1, accounts_ticket: 2, desk_ticket: 3 } as const;
  const mia = caller('mia');

  /** Answer the three create tickets at `atMs`, not in their order; returns the effects of the last answer. */
  function createTickets(run: Run, atMs: number): Effect[] {
    let effects: Effect[] = [];
    for (const id of ['desk_ticket', 'laptop_ticket', 'accounts_ticket'] as const) {
      const n = tickets[id];
      effects = run.send(succeeded(id, { sys_id: `sys-${n}`, number: `SCTASK00${n}` }, atMs));
    }
    return effects;
  }

  test('approved: tickets, manager approval with reminders, tickets ready, 30-day wait, survey', () => {
    const run = start();
    expect(ids(run.started)).toEqual(['laptop_ticket', 'accounts_ticket', 'desk_ticket']);
    expect(bodyOf(run.started, 'laptop_ticket')).toEqual({
      kind: 'servicenow',
      action: 'create',
      table: 'sc_task',
      fields: {
        short_description: 'Provision laptop for Nia Patel',
        assignment_group: 'Field IT',
        due_date: '2026-04-01',
      },
    });

    const openedAt = hour;
    const opened = createTickets(run, openedAt);
    const approval = run.context.approvals?.manager_approval;
    expect(approval).toMatchObject({
      approvers: [{ user: 'mia' }],
      requesters: ['key:hr-system'],
      message:
        'Nia Patel joins as Risk Analyst on 2026-04-01. Approve provisioning of laptop, accounts and desk?',
      dueAt: at(openedAt + 48 * hour),
      createdAt: at(openedAt),
    });
    expect(withoutResults(withoutNotify(opened))).toEqual([
      { type: 'approval', approval },
      {
        type: 'schedule',
        key: 'approval-timeout:manager_approval:1:0',
        stepId: 'manager_approval',
        dueAt: at(openedAt + 48 * hour),
      },
      {
        type: 'schedule',
        key: 'remind:manager_approval:1:1',
        stepId: 'manager_approval',
        dueAt: at(openedAt + 12 * hour),
      },
    ]);
    expect(run.steps.create_tickets).toMatchObject({ status: 'succeeded', output: { joined: 3 } });

    const reminded = run.send(fired('remind:manager_approval:1:1', openedAt + 12 * hour));
    expect(only(reminded, 'schedule')).toMatchObject([
      { key: 'remind:manager_approval:1:2', dueAt: at(openedAt + 24 * hour) },
    ]);

    const decidedAt = openedAt + 20 * hour;
    const ready = decide(run, 'manager_approval', mia, 'approve', decidedAt);
    expect(run.steps.manager_approval?.output).toMatchObject({
      outcome: 'approved',
      decisions: [{ by: 'mia' }],
    });
    expect(ids(ready)).toEqual(['laptop_ready', 'accounts_ready', 'desk_ready']);
    expect(bodyOf(ready, 'accounts_ready')).toMatchObject({
      action: 'update',
      sys_id: 'sys-2',
      fields: { state: 'ready' },
    });
    expect(
      only(ready, 'unschedule')
        .map((u) => u.key)
        .sort(),
    ).toEqual(['approval-timeout:manager_approval:1:0', 'remind:manager_approval:1:2']);

    run.send(succeeded('laptop_ready', {}, decidedAt + 1));
    run.send(succeeded('desk_ready', {}, decidedAt + 2));
    const notifyIt = run.send(succeeded('accounts_ready', {}, decidedAt + 3));
    expect(bodyOf(notifyIt, 'notify_field_it')).toMatchObject({
      kind: 'notify',
      to: 'group:field_it',
      subject: 'Ready: laptop for Nia Patel',
      message: 'Nia Patel was approved; laptop ticket SCTASK001 is ready to work on.',
    });

    const notifiedAt = decidedAt + hour;
    const waiting = run.send(succeeded('notify_field_it', {}, notifiedAt));
    expect(run.steps.outcome).toMatchObject({ status: 'succeeded', output: { case: 0 } });
    expect(withoutResults(waiting)).toEqual([
      {
        type: 'schedule',
        key: 'wait:wait_30_days:1',
        stepId: 'wait_30_days',
        dueAt: at(notifiedAt + 30 * day),
      },
    ]);

    const survey = run.send(fired('wait:wait_30_days:1', notifiedAt + 30 * day));
    expect(bodyOf(survey, 'check_in_survey')).toMatchObject({
      kind: 'email',
      to: ['nia@zentra.test'],
      subject: 'How are your first 30 days going, Nia?',
      body: expect.stringContaining('https://survey.zentra.test/s/1'),
    });

    run.send(succeeded('check_in_survey', {}, notifiedAt + 30 * day + 500));
    expect(run.value).toBe('succeeded');
    expect(run.context.error).toBeUndefined();
    expect(run.context.timers).toEqual({});
    expect(run.context.path).toEqual([
      'create_tickets',
      'laptop_ticket',
      'accounts_ticket',
      'desk_ticket',
      'manager_approval',
      'outcome',
      'tickets_ready',
      'laptop_ready',
      'accounts_ready',
      'desk_ready',
      'notify_field_it',
      'wait_30_days',
      'check_in_survey',
    ]);
    for (const id of run.context.path) expect(run.steps[id]?.status, id).toBe('succeeded');
  });

  test.each([
    [
      'rejected',
      (run: Run, atMs: number) => decide(run, 'manager_approval', mia, 'reject', atMs + hour, 'no budget'),
    ],
    [
      'timed_out',
      (run: Run, atMs: number) => run.send(fired('approval-timeout:manager_approval:1:0', atMs + 48 * hour)),
    ],
  ])('%s: tells HR, cancels the tickets and ends without a survey', (outcome, settle) => {
    const run = start();
    createTickets(run, 0);

    const told = settle(run, 0);

    expect(run.steps.outcome?.input).toEqual({ case: 'default' });
    expect(ids(told)).toEqual(['notify_hr']);
    expect(bodyOf(told, 'notify_hr')).toMatchObject({
      kind: 'email',
      to: ['hr@zentra.test'],
      subject: 'Not approved: provisioning for Nia Patel',
      body: expect.stringContaining(`The line manager ${outcome} the provisioning of Nia Patel`),
    });

    const cancelling = run.send(succeeded('notify_hr', {}, 60 * hour));
    expect(ids(cancelling)).toEqual(['laptop_cancelled', 'accounts_cancelled', 'desk_cancelled']);
    expect(bodyOf(cancelling, 'desk_cancelled')).toMatchObject({
      sys_id: 'sys-3',
      fields: { state: 'cancelled' },
    });

    run.send(succeeded('laptop_cancelled', {}, 61 * hour));
    run.send(succeeded('accounts_cancelled', {}, 61 * hour));
    const end = run.send(succeeded('desk_cancelled', {}, 61 * hour));

    expect(withoutResults(end)).toEqual([]);
    expect(only(end, 'result')).toMatchObject([{ stepId: 'desk_cancelled', kind: 'servicenow' }]);
    expect(run.value).toBe('succeeded');
    expect(run.context.end).toBe('succeeded');
    // The terminate inside the branch ends it as it ends the run.
    expect(run.steps.outcome).toMatchObject({ status: 'succeeded', output: { case: 'default' } });
    expect(run.steps.stop_not_approved).toMatchObject({
      status: 'succeeded',
      output: { status: 'succeeded', reason: 'the new joiner was not approved; no check-in survey' },
    });
    expect(run.steps.wait_30_days).toBeUndefined();
    expect(run.steps.check_in_survey).toBeUndefined();
    expect(run.context.timers).toEqual({});
  });
});

describe('policycortex approval chain', () => {
  const request = (risk_level: string, cost_impact: number) =>
    runInput({ title: 'Keep TLS 1.1 on legacy-gw', risk_level, cost_impact, requester: 'rita' }, 'user:rita');
  const techLead = caller('tom', 'tech_lead');
  const securityMember = caller('sue', 'member', ['security_team']);
  const cto = caller('carl', 'cto');
  const ciso = caller('cleo', 'ciso');

  test('as written: a technical rejection ends the run cancelled; the requester cannot approve', () => {
    const run = startRun(example('policycortex-approval-chain'), request('HIGH', 50_000));
    expect(run.steps.risk_score).toMatchObject({ status: 'succeeded', output: 3 });
    expect(run.context.approvals?.technical_review).toMatchObject({
      approvers: [{ role: 'tech_lead' }],
      requesters: ['user:rita', 'rita'],
      message: 'Policy exception: Keep TLS 1.1 on legacy-gw (risk HIGH)',
      dueAt: at(24 * hour),
    });
    expect(() => decide(run, 'technical_review', caller('rita', 'tech_lead'), 'approve', hour)).toThrow(
      expect.objectContaining({ status: 403 }),
    );

    decide(run, 'technical_review', techLead, 'reject', 2 * hour);

    expect(run.value).toBe('cancelled');
    expect(run.context.error).toEqual({
      code: 'terminated_cancelled',
      message: 'step stop_after_technical: the technical review did not approve the exception',
    });
    expect(run.steps.security_review).toBeUndefined();
    expect(run.context.path).toEqual(['risk_score', 'technical_review', 'stop_after_technical']);
  });

  test('as written: an executive approval that times out ends the run cancelled', () => {
    const run = startRun(example('policycortex-approval-chain'), request('MEDIUM', 20_000));
    decide(run, 'technical_review', techLead, 'approve', hour);
    const opened = decide(run, 'security_review', securityMember, 'approve', 2 * hour);
    expect(only(opened, 'schedule').map((s) => s.key)).toEqual([
      'approval-timeout:executive_approval:1:0',
      'remind:executive_approval:1:1',
    ]);
    decide(run, 'executive_approval', cto, 'approve', 3 * hour);

    run.send(fired('approval-timeout:executive_approval:1:0', 2 * hour + 72 * hour));

    expect(run.context.approvals?.executive_approval).toMatchObject({
      status: 'timed_out',
      decisions: [{ user: 'carl' }],
    });
    expect(run.value).toBe('cancelled');
    expect(run.context.error?.message).toBe(
      'step stop_after_executive: the executives did not approve the exception',
    );
  });

  test('low risk and cost: one technical approval, the rest skipped, the requester told', () => {
    const run = startRun(example('policycortex-approval-chain'), request('LOW', 500));

    const told = decide(run, 'technical_review', techLead, 'approve', hour);

    for (const id of [
      'stop_after_technical',
      'security_review',
      'stop_after_security',
      'executive_approval',
      'stop_after_executive',
    ])
      expect(run.steps[id]?.status, id).toBe('skipped');
    expect(bodyOf(told, 'tell_requester')).toEqual({
      kind: 'notify',
      to: 'rita',
      subject: 'Approved: Keep TLS 1.1 on legacy-gw',
      message: 'Your policy exception request was approved by every required reviewer.',
    });

    run.send(succeeded('tell_requester', {}, 2 * hour));
    expect(run.value).toBe('succeeded');
    expect(run.context.error).toBeUndefined();
  });

  test('high risk and cost: technical, security, then both executives, with a reminder', () => {
    const run = startRun(example('policycortex-approval-chain'), request('CRITICAL', 250_000));

    decide(run, 'technical_review', techLead, 'approve', hour);
    expect(run.context.approvals?.security_review).toMatchObject({
      approvers: [{ group: 'security_team' }],
      dueAt: at(hour + 48 * hour),
    });
    decide(run, 'security_review', securityMember, 'approve', 2 * hour);
    expect(run.context.approvals?.executive_approval).toMatchObject({
      approvers: [{ role: 'cto' }, { role: 'ciso' }],
      mode: 'all',
      needed: 2,
      message: 'Policy exception: Keep TLS 1.1 on legacy-gw with a cost impact of 250000',
    });

    decide(run, 'executive_approval', cto, 'approve', 3 * hour);
    expect(run.context.approvals?.executive_approval?.status).toBe('pending');
    const reminded = run.send(fired('remind:executive_approval:1:1', 26 * hour));
    expect(only(reminded, 'schedule')).toMatchObject([
      { key: 'remind:executive_approval:1:2', dueAt: at(50 * hour) },
    ]);

    const told = decide(run, 'executive_approval', ciso, 'approve', 30 * hour);
    expect(ids(told)).toEqual(['tell_requester']);
    run.send(succeeded('tell_requester', {}, 31 * hour));

    expect(run.value).toBe('succeeded');
    for (const id of ['technical_review', 'security_review', 'executive_approval'])
      expect(run.steps[id]?.output, id).toMatchObject({ outcome: 'approved' });
    expect(run.steps.executive_approval?.output).toMatchObject({
      decisions: [{ by: 'carl' }, { by: 'cleo' }],
    });
    expect(run.context.timers).toEqual({});
  });
});
