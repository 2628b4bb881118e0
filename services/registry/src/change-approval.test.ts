import { describe, expect, it } from 'vitest';
import { checkActivation } from './change-approval.ts';

const base = { version: 2, author: 'user:alice', approvedVersion: 1, actor: 'user:bob' };

describe('change approval', () => {
  it('needs nothing when it is off', () => {
    expect(checkActivation({ ...base, changeApproval: false, actor: 'user:alice' })).toBeUndefined();
  });

  it('refuses the author of the version being activated', () => {
    expect(() => checkActivation({ ...base, changeApproval: true, actor: 'user:alice' })).toThrow(
      /someone else must activate it/,
    );
  });

  it('records who approved whose version', () => {
    expect(checkActivation({ ...base, changeApproval: true })).toEqual({
      author: 'user:alice',
      approvedBy: 'user:bob',
    });
  });

  it('lets anyone resume the version already approved', () => {
    expect(
      checkActivation({ ...base, changeApproval: true, approvedVersion: 2, actor: 'user:alice' }),
    ).toBeUndefined();
  });

  it('treats a first activation (nothing approved yet) as needing another person', () => {
    expect(() =>
      checkActivation({ ...base, changeApproval: true, approvedVersion: null, actor: 'user:alice' }),
    ).toThrow();
  });
});
