import { describe, expect, test } from 'vitest';
import { subjects } from './subjects.ts';

describe('subjects', () => {
  test('build the documented subjects', () => {
    expect(subjects.runStart('acme')).toBe('run.start.acme');
    expect(subjects.runEvent('acme', 'run-1')).toBe('run.event.acme.run-1');
    expect(subjects.stepExec('webhook', 'acme')).toBe('step.exec.webhook.acme');
    expect(subjects.stepExecAll('webhook')).toBe('step.exec.webhook.*');
    expect(subjects.triggerManual('acme')).toBe('trigger.manual.acme');
    expect(subjects.workflowEvent('acme', 'activated')).toBe('workflow.activated.acme');
    expect(subjects.kriBreach('acme', 'kri_7')).toBe('kri.breach.acme.kri_7');
    expect(subjects.kriUpdate('acme', 'kri_7')).toBe('kri.update.acme.kri_7');
    expect(subjects.externalEvent('acme', 'vendor.assessed')).toBe('event.acme.vendor.assessed');
    expect(subjects.deadLetter('RUNS', 'runner')).toBe('dlq.RUNS.runner');
    expect(subjects.rpc('registry', 'acme', 'get')).toBe('rpc.registry.acme.get');
    expect(subjects.rpc('registry', '*', 'get')).toBe('rpc.registry.*.get');
    expect(subjects.health('relay')).toBe('health.relay');
  });

  test('refuse a token that would change the subject shape', () => {
    for (const bad of ['ac.me', 'ac me', '', '*', '>', 'acme\n', 'é']) {
      expect(() => subjects.runStart(bad)).toThrow(/not a valid subject token/);
    }
    expect(() => subjects.runEvent('acme', 'run.1')).toThrow(/not a valid subject token/);
    expect(() => subjects.stepExec('web hook', 'acme')).toThrow(/not a valid subject token/);
    expect(() => subjects.rpc('registry', 'acme', 'get.all')).toThrow(/not a valid subject token/);
    expect(() => subjects.externalEvent('ac.me', 'x')).toThrow(/not a valid subject token/);
  });
});
