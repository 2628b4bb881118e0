import { describe, expect, it } from 'vitest';
import { applyPatch, assessDraft } from './draft.ts';
import { policyErrors } from './policy.ts';

describe('interview policy', () => {
  it('refuses URLs and IP addresses anywhere, webhook and remediation steps, and unknown destinations', () => {
    const draft = {
      steps: [
        { id: 'a', type: 'webhook', webhook: { url: 'https://example.com/x' } },
        {
          id: 'b',
          type: 'branch',
          branch: {
            cases: [{ if: 'true', steps: [{ id: 'c', type: 'remediation', remediation: { action: 'x' } }] }],
          },
        },
        { id: 'd', type: 'slack', slack: { destination: 'other', channel: '#a', text: 'ping 10.0.0.1' } },
        { id: 'e', type: 'slack', slack: { destination: 'secops', channel: '#a', text: 'fine' } },
      ],
    };
    const paths = policyErrors(draft, [{ name: 'secops', type: 'slack' }]).map((e) => e.path);
    expect(paths).toEqual([
      'steps[0].type',
      'steps[0].webhook.url',
      'steps[1].branch.cases[0].steps[0].type',
      'steps[2].slack.destination',
      'steps[2].slack.text',
    ]);
  });

  it('lets a patch change only parts of the definition', () => {
    const result = applyPatch(
      { name: 'a', owner: 'x' },
      { name: 'b', permissions: { admin: true }, owner: null },
    );
    expect(result.draft).toEqual({ name: 'b' });
    expect(result.errors.map((e) => e.path)).toEqual(['patch.permissions']);
    expect(result.changed).toEqual(['name', 'owner']);
  });
});

describe('draft assessment', () => {
  it('treats missing parts as gaps, not errors, and still checks what is there', () => {
    const partial = assessDraft(
      { name: 'x', triggers: [{ type: 'event', event: 'a.b', condition: 'trigger.x ==' }] },
      [],
    );
    expect(partial).toMatchObject({ complete: false, valid: false, missing: ['steps'] });
    expect(partial.errors.map((e) => e.path)).toEqual(['triggers[0].condition']);
  });

  it('does not hold an edited workflow to errors it already had', () => {
    const existing = {
      name: 'x',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'a', type: 'webhook', webhook: { url: 'https://example.com/x' } }],
    };
    const baseline = assessDraft(existing, []).errors;
    expect(baseline).toHaveLength(2);
    expect(assessDraft(existing, [], baseline)).toMatchObject({ valid: true, errors: [] });
  });
});
