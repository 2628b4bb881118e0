/**
 * Every example workflow of the seeds, written in the definition language (`examples/*.yaml` at the repo
 * root), parses and validates, and keeps the constructs that make it that seed's example. Each example
 * has a realistic trigger payload (`examples/samples/<name>.json`) and, where later steps read earlier
 * outputs, assumed outputs by step id (`<name>.outputs.json`): a dry run with them starts, renders every
 * step that runs, and takes the path the example is about.
 */
import type { DryRunReport, Step, WorkflowDefinition } from '@riskloop/contracts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { dryRun } from './dry-run.ts';
import { validateDefinition } from './validate.ts';
import { walkSteps } from './walk.ts';
import { parseYaml } from './yaml.ts';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const files = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

function load(file: string): WorkflowDefinition {
  const result = validateDefinition(parseYaml(readFileSync(`${examplesDir}${file}`, 'utf8')));
  if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result.errors, null, 2)}`);
  return result.definition;
}

function stepsOf(definition: WorkflowDefinition): Step[] {
  return walkSteps(definition).map((walked) => walked.step);
}

function kindsOf(definition: WorkflowDefinition): Set<string> {
  return new Set(stepsOf(definition).map((step) => step.type));
}

function step<K extends Step['type']>(
  definition: WorkflowDefinition,
  id: string,
  type: K,
): Extract<Step, { type: K }> {
  const found = stepsOf(definition).find((s) => s.id === id);
  if (found?.type !== type) throw new Error(`no ${type} step ${id}`);
  return found as Extract<Step, { type: K }>;
}

describe('examples gallery', () => {
  test('holds every seed example', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'draxis-patch-critical-cve.yaml',
        'archguard-auto-fix-high-severity.yaml',
        'archguard-pr-check.yaml',
        'zentra-escalate-urgent-tickets.yaml',
        'zentra-new-joiner.yaml',
        'policycortex-s3-public-access.yaml',
        'policycortex-critical-incident.yaml',
        'policycortex-data-exposure.yaml',
        'policycortex-weekly-compliance-report.yaml',
        'policycortex-approval-chain.yaml',
      ]),
    );
  });

  test.each(files)('%s is a valid definition', (file) => {
    const text = readFileSync(`${examplesDir}${file}`, 'utf8');
    expect(text.startsWith('# Source: seed')).toBe(true);
    expect(validateDefinition(parseYaml(text))).toMatchObject({ ok: true });
  });

  test('draxis-patch-critical-cve: KRI breach to patch_applied through ticket, panel, document and approval', () => {
    const d = load('draxis-patch-critical-cve.yaml');
    expect(d.triggers).toEqual([
      { type: 'kri_breach', kri: 'critical_cves_unpatched', condition: 'trigger.value > trigger.threshold' },
    ]);
    expect(d.emits).toEqual(['patch_applied']);
    expect(d.steps.map((s) => s.type)).toEqual([
      'notify',
      'jira',
      'expert_panel',
      'document',
      'slack',
      'approval',
      'emit_kri',
    ]);
    expect(step(d, 'notify_owner', 'notify').notify.to).toBe('owner');
    expect(step(d, 'announce', 'slack').slack.attachments).toEqual(['patch-plan']);
    expect(step(d, 'record_patch', 'emit_kri')).toMatchObject({
      if: 'steps.confirm_patch.output.outcome == "approved"',
      emit_kri: { event: 'patch_applied', kri: 'critical_cves_unpatched' },
    });
  });

  test('archguard-auto-fix-high-severity: scan.result at high or above opens an OPS issue and tells #sec-team', () => {
    const d = load('archguard-auto-fix-high-severity.yaml');
    expect(d.triggers).toEqual([
      { type: 'event', event: 'scan.result', condition: 'trigger.severity in ["high", "critical"]' },
    ]);
    expect(step(d, 's1', 'jira').jira).toMatchObject({ action: 'create', project: 'OPS' });
    expect(step(d, 's2', 'slack').slack.channel).toBe('#sec-team');
    expect(d.emits).toBeUndefined();
  });

  test('archguard-pr-check: a GitHub pull request webhook, a scan and a decision', () => {
    const d = load('archguard-pr-check.yaml');
    expect(d.triggers[0]).toMatchObject({ type: 'webhook', preset: 'github.pull_request' });
    expect(d.triggers[0]).toHaveProperty('condition');
    expect([...kindsOf(d)].sort()).toEqual(['branch', 'jira', 'set', 'slack', 'webhook']);
  });

  test('zentra-escalate-urgent-tickets: urgent network tickets are routed, noted and announced', () => {
    const d = load('zentra-escalate-urgent-tickets.yaml');
    expect(d.triggers).toEqual([
      {
        type: 'event',
        event: 'ticket.created',
        condition: 'trigger.priority == "urgent" and trigger.category == "Network"',
      },
    ]);
    expect(step(d, 'set_team', 'servicenow').servicenow).toMatchObject({
      action: 'update',
      fields: { assignment_group: '{{ vars.team }}' },
    });
    expect(step(d, 'add_internal_note', 'servicenow').servicenow.fields).toEqual({
      work_notes: 'Auto-routed by urgency rule',
    });
    expect(step(d, 'notify_incidents', 'slack').slack.channel).toBe('#incidents');
  });

  test('zentra-new-joiner: three tickets in parallel, a line-manager approval, a branch and a 30-day survey', () => {
    const d = load('zentra-new-joiner.yaml');
    expect(d.triggers[0]).toMatchObject({ type: 'webhook', preset: 'generic' });
    const create = step(d, 'create_tickets', 'parallel');
    expect(create.parallel.branches.map((b) => b.steps[0]?.type)).toEqual([
      'servicenow',
      'servicenow',
      'servicenow',
    ]);
    expect(step(d, 'manager_approval', 'approval').approval).toMatchObject({
      approvers: [{ expression: 'trigger.joiner.line_manager' }],
      timeout: '48h',
      on_timeout: 'reject',
    });
    const outcome = step(d, 'outcome', 'branch');
    expect(outcome.branch.cases[0]?.if).toBe('steps.manager_approval.output.outcome == "approved"');
    expect(outcome.branch.default?.map((s) => s.type)).toEqual(['email', 'parallel', 'terminate']);
    expect(step(d, 'wait_30_days', 'wait').wait).toEqual({ for: '30d' });
    expect(d.steps.at(-1)?.type).toBe('email');
  });

  test('policycortex-s3-public-access: evaluate, approval only for production, remediation, Slack', () => {
    const d = load('policycortex-s3-public-access.yaml');
    expect(d.triggers[0]).toMatchObject({ type: 'event', event: 'policy.violation.created' });
    const condition = (d.triggers[0] as { condition: string }).condition;
    expect(condition).toContain('trigger.policy_name == "s3-no-public-access"');
    expect(condition).toContain('trigger.severity in ["HIGH", "CRITICAL"]');
    expect(condition).toContain('trigger.resource_type == "AWS::S3::Bucket"');
    expect(step(d, 'approve_remediation', 'approval').if).toContain('steps.assess_risk.output.production');
    expect(step(d, 'disable_public_access', 'remediation').remediation.action).toBe(
      'aws_s3_disable_public_access',
    );
    expect(step(d, 'notify_team', 'slack').slack.channel).toBe('#security-alerts');
    expect([...kindsOf(d)].sort()).toEqual(['approval', 'evaluate', 'remediation', 'slack']);
  });

  test('policycortex-critical-incident: contain in 30s, ticket, page, snapshot, evidence on the ticket and to the CISO and CTO', () => {
    const d = load('policycortex-critical-incident.yaml');
    expect(d.steps.map((s) => s.type)).toEqual([
      'remediation',
      'jira',
      'pagerduty',
      'remediation',
      'document',
      'jira',
      'email',
    ]);
    expect(step(d, 'attach_evidence', 'jira').jira).toMatchObject({
      action: 'comment',
      issue: '{{ steps.create_incident.output.key }}',
      attachments: ['evidence_summary.pdf'],
    });
    expect(step(d, 'isolate_resource', 'remediation')).toMatchObject({
      timeout: '30s',
      remediation: { action: 'isolate_compromised_resource' },
    });
    expect(step(d, 'create_incident', 'jira').jira).toMatchObject({ issue_type: 'Incident', priority: 'P1' });
    expect(step(d, 'collect_evidence', 'remediation').remediation.action).toBe('snapshot_environment');
    expect(step(d, 'evidence_summary', 'document').document).toMatchObject({
      name: 'evidence_summary',
      formats: ['pdf'],
    });
    expect(step(d, 'notify_leadership', 'email').email).toMatchObject({
      to: ['ciso@company.com', 'cto@company.com'],
      attachments: ['evidence_summary'],
    });
  });

  test('policycortex-data-exposure: lock down, grade with a CEL ternary, tell legal only when critical', () => {
    const d = load('policycortex-data-exposure.yaml');
    expect(d.triggers[0]).toMatchObject({ type: 'event', event: 'scan.sensitive_data_detected' });
    expect(step(d, 'emergency_access_control', 'remediation').remediation.action).toBe(
      'deny_all_public_access',
    );
    expect(step(d, 'assess_exposure_severity', 'evaluate').evaluate.expression).toMatch(/\? "CRITICAL"/);
    expect(step(d, 'check_breach_notification', 'notify')).toMatchObject({
      if: 'steps.assess_exposure_severity.output == "CRITICAL"',
      notify: { to: 'group:legal' },
    });
  });

  test('policycortex-weekly-compliance-report: Mondays 09:00 local, queries, a PDF report by email', () => {
    const d = load('policycortex-weekly-compliance-report.yaml');
    expect(d.triggers).toEqual([{ type: 'schedule', cron: '0 9 * * MON', timezone: 'America/New_York' }]);
    expect(stepsOf(d).filter((s) => s.type === 'query')).toHaveLength(3);
    expect(step(d, 'create_executive_summary', 'document').document.formats).toContain('pdf');
    expect(step(d, 'distribute_report', 'email').email.attachments).toEqual(['weekly_compliance_report']);
  });

  test('policycortex-approval-chain: technical, security and executive reviews, each with its own timeout', () => {
    const d = load('policycortex-approval-chain.yaml');
    expect(d.triggers[0]?.type).toBe('manual');
    const approvals = stepsOf(d).filter(
      (s): s is Extract<Step, { type: 'approval' }> => s.type === 'approval',
    );
    expect(approvals.map((s) => [s.id, s.if, s.approval.timeout])).toEqual([
      ['technical_review', undefined, '24h'],
      ['security_review', 'steps.risk_score.output >= 2', '48h'],
      ['executive_approval', 'trigger.cost_impact > 10000', '72h'],
    ]);
    expect(step(d, 'executive_approval', 'approval').approval).toMatchObject({
      approvers: [{ role: 'cto' }, { role: 'ciso' }],
      mode: 'all',
    });
  });

  test('policycortex-workflow-conditions: named conditions as an evaluated map that a branch reads', () => {
    const d = load('policycortex-workflow-conditions.yaml');
    expect(d.conditions).toEqual(['trigger.severity != "LOW"']);
    expect(step(d, 'route', 'branch').branch.cases[0]?.if).toContain(
      'steps.conditions.output.business_hours',
    );
  });
});

const samplesDir = `${examplesDir}samples/`;

/** Monday 2025-03-10, 09:00 in New York (13:00 in London): when the weekly report runs. */
const monday9am = '2025-03-10T13:00:00.000Z';

type Json = Record<string, unknown>;

function readObject(path: string): Json {
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${path}: not one JSON object`);
  }
  return value as Json;
}

/** An example's sample payload and assumed outputs (fresh copies: tests may change them). */
function sample(name: string): { payload: Json; outputs?: Json } {
  const outputs = `${samplesDir}${name}.outputs.json`;
  return {
    payload: readObject(`${samplesDir}${name}.json`),
    ...(existsSync(outputs) ? { outputs: readObject(outputs) } : {}),
  };
}

interface Variant {
  payload?: (payload: Json) => Json;
  outputs?: (outputs: Json) => Json;
  now?: string;
}

/** Dry-run an example with its sample, optionally changed. */
function dry(name: string, variant: Variant = {}): DryRunReport {
  const base = sample(name);
  const payload = variant.payload ? variant.payload(base.payload) : base.payload;
  const outputs = variant.outputs ? variant.outputs(base.outputs ?? {}) : base.outputs;
  return dryRun(load(`${name}.yaml`), { payload, outputs, now: variant.now ?? monday9am });
}

function decisions(report: DryRunReport): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.id, s.decision]));
}

function inputOf(report: DryRunReport, id: string): any {
  const found = report.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id} in the report`);
  return found.input;
}

/** A run that starts, renders every step that runs, and emits exactly what its emit_kri steps that run say. */
function expectCleanRun(report: DryRunReport): void {
  expect(report.wouldStart).toBe(true);
  expect(report.conditions.filter((c) => !c.holds)).toEqual([]);
  expect(report.steps.filter((s) => s.error !== undefined)).toEqual([]);
  for (const s of report.steps) {
    if (s.decision === 'run' && s.type !== 'branch' && s.type !== 'parallel') expect(s.input).toBeDefined();
  }
  expect(report.emits.map((e) => e.step)).toEqual(
    report.steps.filter((s) => s.type === 'emit_kri' && s.decision === 'run').map((s) => s.id),
  );
}

/** A payload the trigger conditions or workflow conditions refuse (not one they fail to evaluate). */
function expectNoStart(report: DryRunReport): void {
  expect(report.wouldStart).toBe(false);
  expect(report.conditions.filter((c) => c.error !== undefined)).toEqual([]);
  for (const t of report.triggers) if (!t.matches) expect(t.reason).toBe('condition is false');
  expect(report.steps.every((s) => s.decision === 'not_reached')).toBe(true);
  expect(report.emits).toEqual([]);
}

const names = files.map((file) => file.replace(/\.yaml$/, ''));

describe('examples gallery: sample payloads', () => {
  test('every example has a sample payload, and every sample file belongs to an example', () => {
    const samples = readdirSync(samplesDir).sort();
    for (const name of names) expect(samples).toContain(`${name}.json`);
    for (const file of samples) {
      expect(file).toMatch(/\.(outputs\.)?json$/);
      expect(names).toContain(file.replace(/(\.outputs)?\.json$/, ''));
    }
  });

  test.each(names)('%s: the assumed outputs name steps of the example', (name) => {
    const ids = new Set(stepsOf(load(`${name}.yaml`)).map((s) => s.id));
    for (const id of Object.keys(sample(name).outputs ?? {})) expect(ids).toContain(id);
  });

  test.each(names)('%s: the sample starts a run that renders every step without an error', (name) => {
    expectCleanRun(dry(name));
  });

  test('draxis-patch-critical-cve: a breach above the threshold runs every step and emits patch_applied', () => {
    const report = dry('draxis-patch-critical-cve');
    expect(report.triggers).toEqual([{ index: 0, type: 'kri_breach', matches: true }]);
    expect(Object.values(decisions(report))).toEqual(Array(7).fill('run'));
    expect(inputOf(report, 'open_ticket').summary).toBe('Patch 14 unpatched critical CVEs');
    expect(inputOf(report, 'patch_plan').template).toContain('Ticket: SEC-1287');
    expect(report.emits).toEqual([
      { step: 'record_patch', event: 'patch_applied', kri: 'critical_cves_unpatched', value: 14 },
    ]);
    expect(inputOf(report, 'record_patch').attributes).toEqual({ ticket: 'SEC-1287' });
  });

  test('draxis-patch-critical-cve: a rejected confirmation emits nothing', () => {
    const report = dry('draxis-patch-critical-cve', {
      outputs: (o) => ({ ...o, confirm_patch: { outcome: 'rejected' } }),
    });
    expectCleanRun(report);
    expect(decisions(report).record_patch).toBe('skipped');
    expect(report.emits).toEqual([]);
  });

  test('draxis-patch-critical-cve: a KRI at its threshold is no breach', () => {
    expectNoStart(dry('draxis-patch-critical-cve', { payload: (p) => ({ ...p, value: 10 }) }));
  });

  test('archguard-auto-fix-high-severity: a high finding opens OPS task and names it in Slack', () => {
    const report = dry('archguard-auto-fix-high-severity');
    expect(decisions(report)).toEqual({ s1: 'run', s2: 'run' });
    expect(inputOf(report, 's1')).toMatchObject({
      project: 'OPS',
      summary: '[high] SQL injection through unsanitised query parameter in archguard/platform',
    });
    expect(inputOf(report, 's2').text).toContain('remediation task OPS-3318 opened');
  });

  test('archguard-auto-fix-high-severity: a medium finding starts no run', () => {
    expectNoStart(
      dry('archguard-auto-fix-high-severity', { payload: (p) => ({ ...p, severity: 'medium' }) }),
    );
  });

  test('archguard-pr-check: a scan with high findings opens an issue and tells #sec-team', () => {
    const report = dry('archguard-pr-check');
    expect(decisions(report)).toMatchObject({
      request_scan: 'run',
      decide: 'run',
      open_issue: 'run',
      tell_sec_team: 'run',
      record_clean: 'not_reached',
    });
    expect(inputOf(report, 'request_scan').body).toEqual({
      repository: 'archguard/platform',
      pull_request: 482,
      head_sha: '3f9d2c1b7a6e5d4c3b2a190817e6d5c4b3a29180',
    });
    expect(inputOf(report, 'tell_sec_team').text).toContain('has 2 high severity findings (OPS-3324)');
  });

  test('archguard-pr-check: a clean scan only records the result', () => {
    const report = dry('archguard-pr-check', {
      outputs: () => ({ request_scan: { status: 200, body: { scan_id: 'scn_1', high_findings: 0 } } }),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      open_issue: 'not_reached',
      tell_sec_team: 'not_reached',
      record_clean: 'run',
    });
    expect(inputOf(report, 'record_clean')).toEqual({ vars: { scan_result: 'clean', pull_request: 482 } });
  });

  test('archguard-pr-check: a draft pull request is not scanned', () => {
    expectNoStart(
      dry('archguard-pr-check', {
        payload: (p) => ({ ...p, pull_request: { ...(p.pull_request as Json), draft: true } }),
      }),
    );
  });

  test('zentra-escalate-urgent-tickets: an urgent network ticket is routed to Network, noted and announced', () => {
    const report = dry('zentra-escalate-urgent-tickets');
    expect(Object.values(decisions(report))).toEqual(['run', 'run', 'run', 'run']);
    expect(inputOf(report, 'set_team')).toMatchObject({
      sys_id: '46d44a5ddb8f3010a8e1f1c2ca9619e2',
      fields: { assignment_group: 'Network' },
    });
    expect(inputOf(report, 'notify_incidents').text).toContain('INC0019342');
  });

  test('zentra-escalate-urgent-tickets: an urgent hardware ticket starts no run', () => {
    expectNoStart(
      dry('zentra-escalate-urgent-tickets', { payload: (p) => ({ ...p, category: 'Hardware' }) }),
    );
  });

  test('zentra-new-joiner: approved, the tickets are made ready, Field IT told, and the survey follows', () => {
    const report = dry('zentra-new-joiner');
    expect(decisions(report)).toMatchObject({
      laptop_ticket: 'run',
      accounts_ticket: 'run',
      desk_ticket: 'run',
      manager_approval: 'run',
      outcome: 'run',
      tickets_ready: 'run',
      laptop_ready: 'run',
      accounts_ready: 'run',
      desk_ready: 'run',
      notify_field_it: 'run',
      notify_hr: 'not_reached',
      cancel_tickets: 'not_reached',
      laptop_cancelled: 'not_reached',
      stop_not_approved: 'not_reached',
      wait_30_days: 'run',
      check_in_survey: 'run',
    });
    expect(inputOf(report, 'laptop_ready').sys_id).toBe('0a7c3e51db4f3010a8e1f1c2ca961a01');
    expect(inputOf(report, 'notify_field_it').message).toContain('SCTASK0041207');
    expect(inputOf(report, 'check_in_survey')).toMatchObject({
      to: ['priya.raman@company.com'],
      subject: 'How are your first 30 days going, Priya?',
    });
  });

  test('zentra-new-joiner: rejected, HR is told, the tickets cancelled, and the run ends before the survey', () => {
    const report = dry('zentra-new-joiner', {
      outputs: (o) => ({ ...o, manager_approval: { outcome: 'rejected' } }),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      tickets_ready: 'not_reached',
      notify_field_it: 'not_reached',
      notify_hr: 'run',
      desk_cancelled: 'run',
      stop_not_approved: 'run',
      wait_30_days: 'not_reached',
      check_in_survey: 'not_reached',
    });
    expect(inputOf(report, 'notify_hr').to).toEqual(['people-ops@company.com']);
  });

  test('zentra-new-joiner: an HR record of another type starts no run', () => {
    expectNoStart(dry('zentra-new-joiner', { payload: (p) => ({ ...p, record_type: 'leaver' }) }));
  });

  test('policycortex-s3-public-access: a production bucket needs the approval, then is remediated', () => {
    const report = dry('policycortex-s3-public-access');
    expect(decisions(report)).toEqual({
      assess_risk: 'run',
      approve_remediation: 'run',
      disable_public_access: 'run',
      notify_team: 'run',
      notify_not_approved: 'skipped',
    });
    expect(inputOf(report, 'disable_public_access').parameters).toEqual({
      bucket_name: 'acme-prod-customer-exports',
      preserve_existing_policy: true,
    });
  });

  test('policycortex-s3-public-access: a staging bucket of medium impact is remediated without approval', () => {
    const report = dry('policycortex-s3-public-access', {
      payload: (p) => ({ ...p, resource: { ...(p.resource as Json), environment: 'staging' } }),
      outputs: () => ({}),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      approve_remediation: 'skipped',
      disable_public_access: 'run',
      notify_team: 'run',
      notify_not_approved: 'skipped',
    });
  });

  test('policycortex-s3-public-access: a rejected approval leaves the bucket public and says so', () => {
    const report = dry('policycortex-s3-public-access', {
      outputs: () => ({ approve_remediation: { outcome: 'rejected' } }),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      disable_public_access: 'skipped',
      notify_team: 'skipped',
      notify_not_approved: 'run',
    });
    expect(inputOf(report, 'notify_not_approved').text).toContain('was rejected by the approvers');
  });

  test('policycortex-s3-public-access: a medium violation starts no run', () => {
    expectNoStart(dry('policycortex-s3-public-access', { payload: (p) => ({ ...p, severity: 'MEDIUM' }) }));
  });

  test('policycortex-critical-incident: contain, ticket, page, snapshot, summary, attach and email all run', () => {
    const report = dry('policycortex-critical-incident');
    expect(Object.values(decisions(report))).toEqual(Array(7).fill('run'));
    expect(inputOf(report, 'attach_evidence')).toMatchObject({
      issue: 'SEC-1302',
      comment: 'Evidence summary attached (snapshot snap-07e1d2c3b4a596870).',
    });
    expect(inputOf(report, 'isolate_resource').parameters.resource_id).toBe('i-0f3c9a7b21d4e5f60');
    expect(inputOf(report, 'page_security_team').summary).toContain('(SEC-1302)');
    expect(inputOf(report, 'evidence_summary').template).toContain(
      '| Evidence snapshot | snap-07e1d2c3b4a596870 |',
    );
    expect(inputOf(report, 'notify_leadership').subject).toBe(
      'Critical security incident: no-unrestricted-admin-ports on prod-bastion-01',
    );
  });

  test('policycortex-critical-incident: a critical violation outside security and data breach starts no run', () => {
    expectNoStart(
      dry('policycortex-critical-incident', { payload: (p) => ({ ...p, categories: ['cost', 'tagging'] }) }),
    );
  });

  test('policycortex-data-exposure: SSNs grade CRITICAL and legal is told', () => {
    const report = dry('policycortex-data-exposure');
    expect(decisions(report)).toEqual({
      emergency_access_control: 'run',
      assess_exposure_severity: 'run',
      check_breach_notification: 'run',
    });
    expect(inputOf(report, 'check_breach_notification').message).toContain('Severity: CRITICAL');
  });

  test('policycortex-data-exposure: e-mail addresses alone grade HIGH and legal is not told', () => {
    const report = dry('policycortex-data-exposure', {
      payload: (p) => ({ ...p, data_contains_ssn: false, data_contains_credit_card: false }),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      emergency_access_control: 'run',
      check_breach_notification: 'skipped',
    });
  });

  test('policycortex-data-exposure: sensitive data that is not public starts no run', () => {
    expectNoStart(
      dry('policycortex-data-exposure', { payload: (p) => ({ ...p, exposure_level: 'internal' }) }),
    );
  });

  test('policycortex-weekly-compliance-report: queries, the week-numbered report, its email and the refresh', () => {
    const report = dry('policycortex-weekly-compliance-report');
    expect(report.triggers).toEqual([{ index: 0, type: 'schedule', matches: true }]);
    expect(Object.values(decisions(report))).toEqual(Array(6).fill('run'));
    expect(inputOf(report, 'create_executive_summary').title).toBe('Weekly Compliance Status - Week 10');
    expect(inputOf(report, 'create_executive_summary').template).toContain(
      '7 failed workflow runs in the last 7 days.',
    );
    expect(inputOf(report, 'distribute_report').subject).toBe('Weekly Compliance Status - Week 10');
  });

  test('policycortex-approval-chain: a high-risk, costly exception goes through all three reviews', () => {
    const report = dry('policycortex-approval-chain');
    expect(decisions(report)).toEqual({
      risk_score: 'run',
      technical_review: 'run',
      stop_after_technical: 'skipped',
      security_review: 'run',
      stop_after_security: 'skipped',
      executive_approval: 'run',
      stop_after_executive: 'skipped',
      tell_requester: 'run',
    });
    expect(inputOf(report, 'tell_requester').to).toBe('li.wei@company.com');
  });

  test('policycortex-approval-chain: a low-risk, cheap exception needs only the technical review', () => {
    const report = dry('policycortex-approval-chain', {
      payload: (p) => ({ ...p, risk_level: 'LOW', cost_impact: 2000 }),
      outputs: (o) => ({ technical_review: o.technical_review }),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      technical_review: 'run',
      security_review: 'skipped',
      executive_approval: 'skipped',
      tell_requester: 'run',
    });
  });

  test('policycortex-approval-chain: a technical rejection ends the chain', () => {
    const report = dry('policycortex-approval-chain', {
      outputs: (o) => ({ ...o, technical_review: { outcome: 'rejected' } }),
    });
    expectCleanRun(report);
    expect(decisions(report)).toMatchObject({
      stop_after_technical: 'run',
      security_review: 'not_reached',
      tell_requester: 'not_reached',
    });
  });

  test('policycortex-workflow-conditions: a high-risk production resource out of hours pages on-call', () => {
    const report = dry('policycortex-workflow-conditions', { now: '2025-03-08T22:45:00.000Z' });
    expectCleanRun(report);
    expect(report.conditions).toEqual([{ expression: 'trigger.severity != "LOW"', holds: true }]);
    expect(decisions(report)).toMatchObject({
      route: 'run',
      page_on_call: 'run',
      post_to_slack: 'not_reached',
    });
    expect(inputOf(report, 'page_on_call').summary).toBe(
      'rds-no-public-snapshots violated on high-risk production resource customers-prod-2025-03-09',
    );
  });

  test('policycortex-workflow-conditions: in business hours the same violation goes to Slack', () => {
    const report = dry('policycortex-workflow-conditions');
    expect(decisions(report)).toMatchObject({ page_on_call: 'not_reached', post_to_slack: 'run' });
  });

  test('policycortex-workflow-conditions: a LOW violation fails the workflow condition', () => {
    const report = dry('policycortex-workflow-conditions', { payload: (p) => ({ ...p, severity: 'LOW' }) });
    expectNoStart(report);
    expect(report.triggers[0]?.matches).toBe(true);
    expect(report.conditions).toEqual([{ expression: 'trigger.severity != "LOW"', holds: false }]);
  });
});
