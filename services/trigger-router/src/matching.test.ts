import type { WorkflowDefinition } from '@riskloop/contracts';
import { describe, expect, it } from 'vitest';
import { isBreachOf, isEventOf, startsRun } from './matching.ts';

const scope = {
  tenant: 't1',
  workflowId: '00000000-0000-4000-8000-000000000001',
  version: 1,
  now: new Date(),
};
const steps = [{ id: 's', type: 'set', set: { vars: { a: 1 } } }] as WorkflowDefinition['steps'];

describe('startsRun', () => {
  const s3: WorkflowDefinition = {
    name: 's3',
    triggers: [
      {
        type: 'event',
        event: 'policy.violation.created',
        condition: 'trigger.severity in ["HIGH", "CRITICAL"] and trigger.resource_type == "AWS::S3::Bucket"',
      },
    ],
    steps,
  };

  it('matches an event of the type whose condition holds', () => {
    const payload = { severity: 'HIGH', resource_type: 'AWS::S3::Bucket' };
    expect(startsRun(s3, isEventOf('policy.violation.created'), payload, scope)).toBe(true);
  });

  it('does not match another type, a failing condition, or a payload missing the field', () => {
    expect(
      startsRun(s3, isEventOf('scan.result'), { severity: 'HIGH', resource_type: 'AWS::S3::Bucket' }, scope),
    ).toBe(false);
    expect(
      startsRun(
        s3,
        isEventOf('policy.violation.created'),
        { severity: 'LOW', resource_type: 'AWS::S3::Bucket' },
        scope,
      ),
    ).toBe(false);
    expect(startsRun(s3, isEventOf('policy.violation.created'), { severity: 'HIGH' }, scope)).toBe(false);
  });

  it('applies the workflow-level conditions after the trigger', () => {
    const breach: WorkflowDefinition = {
      name: 'b',
      triggers: [{ type: 'kri_breach', kri: 'cves' }],
      conditions: ['trigger.value > trigger.threshold'],
      steps,
    };
    expect(startsRun(breach, isBreachOf('cves'), { value: 12, threshold: 10 }, scope)).toBe(true);
    expect(startsRun(breach, isBreachOf('cves'), { value: 9, threshold: 10 }, scope)).toBe(false);
    expect(startsRun(breach, isBreachOf('other'), { value: 12, threshold: 10 }, scope)).toBe(false);
  });
});
