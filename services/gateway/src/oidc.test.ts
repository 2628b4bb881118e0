import { describe, expect, it } from 'vitest';
import { roleFromClaim } from './oidc.ts';

describe('roleFromClaim', () => {
  it('takes the most privileged role among the mapped values', () => {
    expect(roleFromClaim(['viewer', 'grc-approvers'], { 'grc-approvers': 'approver' }, null)).toBe(
      'approver',
    );
    expect(roleFromClaim(['auditor', 'admin'], {}, null)).toBe('admin');
  });

  it('accepts a single string and ignores what is not a role', () => {
    expect(roleFromClaim('operator', {}, null)).toBe('operator');
    expect(roleFromClaim(['staff', 42, null], {}, null)).toBeNull();
  });

  it('falls back to the default role', () => {
    expect(roleFromClaim(undefined, {}, 'viewer')).toBe('viewer');
  });
});
