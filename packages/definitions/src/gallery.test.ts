/**
 * Every example workflow of the seeds, written in the definition language (`examples/*.yaml` at the repo
 * root), parses and validates, and keeps the constructs that make it that seed's example.
 */
import type { Step, WorkflowDefinition } from '@riskloop/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
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

  test('policycortex-critical-incident: contain in 30s, ticket, page, snapshot, evidence to the CISO and CTO', () => {
    const d = load('policycortex-critical-incident.yaml');
    expect(d.steps.map((s) => s.type)).toEqual([
      'remediation',
      'jira',
      'pagerduty',
      'remediation',
      'document',
      'email',
    ]);
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
