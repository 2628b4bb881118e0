import { describe, expect, test } from 'vitest';
import { WorkflowDefinition, type WorkflowDefinitionInput } from './definition.ts';
import { durationMs } from './duration.ts';
import { fieldErrors, type FieldError } from './issues.ts';

const minimal = (): WorkflowDefinitionInput => ({
  name: 'Notify on request',
  triggers: [{ type: 'manual' }],
  steps: [{ id: 'notify', type: 'webhook', webhook: { url: 'https://hooks.example.test/in' } }],
});

/** The field errors of a definition that must not parse. */
function errorsOf(input: unknown): FieldError[] {
  const result = WorkflowDefinition.safeParse(input);
  if (result.success) throw new Error('expected the definition to be rejected');
  return fieldErrors(result.error);
}

describe('WorkflowDefinition', () => {
  test('accepts a minimal manual trigger and webhook step and applies defaults', () => {
    expect(WorkflowDefinition.parse(minimal())).toEqual({
      name: 'Notify on request',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'notify', type: 'webhook', webhook: { url: 'https://hooks.example.test/in', method: 'POST' } },
      ],
    });
  });

  test('fills retry defaults and keeps templated URLs and bodies as written', () => {
    const parsed = WorkflowDefinition.parse({
      ...minimal(),
      steps: [
        {
          id: 'notify',
          type: 'webhook',
          timeout: '10s',
          retry: { attempts: 5 },
          webhook: {
            url: '{{ trigger.callback }}',
            method: 'PUT',
            body: { text: '{{ trigger.name }}', n: 1 },
          },
        },
      ],
    });
    expect(parsed.steps[0]).toEqual({
      id: 'notify',
      type: 'webhook',
      timeout: '10s',
      retry: { attempts: 5, initial: '1s', max: '1m' },
      webhook: { url: '{{ trigger.callback }}', method: 'PUT', body: { text: '{{ trigger.name }}', n: 1 } },
    });
  });

  // Regression: unknown keys used to be reported on their parent (`steps[0]`, or an empty path at the top).
  test('rejects unknown fields at the path of the field', () => {
    expect(
      errorsOf({
        ...minimal(),
        steps: [{ id: 'notify', type: 'webhook', webhook: { url: 'https://x.test' }, webhok: {} }],
      }),
    ).toEqual([{ path: 'steps[0].webhok', message: 'unknown field' }]);
    expect(errorsOf({ ...minimal(), extra: true })).toEqual([{ path: 'extra', message: 'unknown field' }]);
    expect(
      errorsOf({
        ...minimal(),
        steps: [
          { id: 'notify', type: 'webhook', webhook: { url: 'https://x.test', verb: 'GET', bodyy: {} } },
        ],
      }),
    ).toEqual([
      { path: 'steps[0].webhook.verb', message: 'unknown field' },
      { path: 'steps[0].webhook.bodyy', message: 'unknown field' },
    ]);
  });

  test('rejects a URL that is not http(s)', () => {
    for (const url of ['ftp://x.test/file', 'not a url', 'javascript:alert(1)']) {
      expect(
        errorsOf({ ...minimal(), steps: [{ id: 'notify', type: 'webhook', webhook: { url } }] }),
      ).toEqual([{ path: 'steps[0].webhook.url', message: 'expected an http(s) URL' }]);
    }
  });

  test('rejects an unknown step type', () => {
    const errors = errorsOf({ ...minimal(), steps: [{ id: 'notify', type: 'carrier_pigeon' }] });
    expect(errors.map((e) => e.path)).toEqual(['steps[0].type']);
  });

  test('rejects a bad step id', () => {
    const errors = errorsOf({
      ...minimal(),
      steps: [{ id: 'Notify Team', type: 'webhook', webhook: { url: 'https://x.test' } }],
    });
    expect(errors.map((e) => e.path)).toEqual(['steps[0].id']);
  });

  test('requires at least one trigger and one step', () => {
    const { triggers: _triggers, ...withoutTriggers } = minimal();
    expect(errorsOf(withoutTriggers).map((e) => e.path)).toEqual(['triggers']);
    expect(errorsOf({ ...minimal(), triggers: [] }).map((e) => e.path)).toEqual(['triggers']);
    expect(errorsOf({ ...minimal(), triggers: [{ type: 'cron' }] }).map((e) => e.path)).toEqual([
      'triggers[0].type',
    ]);
    expect(errorsOf({ ...minimal(), steps: [] }).map((e) => e.path)).toEqual(['steps']);
  });

  test('rejects bad durations in timeouts and retry policies', () => {
    const message = 'expected a duration such as 30s, 5m, 48h, 7d or 2w';
    const withStep = (extra: Record<string, unknown>) => ({
      ...minimal(),
      steps: [{ id: 'notify', type: 'webhook', webhook: { url: 'https://x.test' }, ...extra }],
    });
    expect(errorsOf(withStep({ timeout: '30 seconds' }))).toEqual([{ path: 'steps[0].timeout', message }]);
    expect(errorsOf(withStep({ timeout: '1.5s' }))).toEqual([{ path: 'steps[0].timeout', message }]);
    expect(errorsOf(withStep({ retry: { initial: '-1s', max: '2y' } }))).toEqual([
      { path: 'steps[0].retry.initial', message },
      { path: 'steps[0].retry.max', message },
    ]);
    expect(errorsOf(withStep({ retry: { attempts: 0 } })).map((e) => e.path)).toEqual([
      'steps[0].retry.attempts',
    ]);
  });
});

describe('durationMs', () => {
  test('converts every unit', () => {
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('5m')).toBe(300_000);
    expect(durationMs('2w')).toBe(1_209_600_000);
    expect(durationMs('48h')).toBe(172_800_000);
    expect(durationMs('7d')).toBe(604_800_000);
    expect(durationMs('0s')).toBe(0);
  });

  test('throws on anything else', () => {
    for (const value of ['', '30', '1.5s', '5 m', '2y', 'ms']) {
      expect(() => durationMs(value)).toThrow(/not a duration/);
    }
  });
});
