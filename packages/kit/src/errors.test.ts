import { describe, expect, test } from 'vitest';
import { describeError, isRiskloopError, RiskloopError } from './errors.ts';

describe('RiskloopError', () => {
  test('named constructors carry a stable code, a status and whether retrying helps', () => {
    const cause = new Error('ECONNREFUSED');
    const cases: [RiskloopError, string, number, boolean][] = [
      [RiskloopError.notFound('run', 'r1'), 'not_found', 404, false],
      [RiskloopError.invalid('bad', 'steps[0].id'), 'invalid', 422, false],
      [RiskloopError.conflict('exists'), 'conflict', 409, false],
      [RiskloopError.unauthorized(), 'unauthorized', 401, false],
      [RiskloopError.unavailable('db down', cause), 'unavailable', 503, true],
      [RiskloopError.poison('undecodable', cause), 'poison', 400, false],
    ];
    for (const [error, code, status, retryable] of cases) {
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('RiskloopError');
      expect({ code: error.code, status: error.status, retryable: error.retryable }).toEqual({
        code,
        status,
        retryable,
      });
    }
  });

  test('keeps message, path, details and cause', () => {
    const cause = new Error('root');
    expect(RiskloopError.notFound('run', 'r1').message).toBe('run r1 was not found');
    const invalid = RiskloopError.invalid('bad id', 'steps[0].id', { errors: [] });
    expect(invalid.path).toBe('steps[0].id');
    expect(invalid.details).toEqual({ errors: [] });
    expect(RiskloopError.unavailable('later', cause).cause).toBe(cause);
    expect(RiskloopError.unauthorized().message).toBe('a valid API key is required');
  });

  test('defaults to a terminal 500', () => {
    const error = new RiskloopError('boom', 'it broke');
    expect({ status: error.status, retryable: error.retryable, path: error.path }).toEqual({
      status: 500,
      retryable: false,
      path: undefined,
    });
  });

  test('isRiskloopError and describeError', () => {
    expect(isRiskloopError(RiskloopError.conflict('x'))).toBe(true);
    expect(isRiskloopError(new Error('x'))).toBe(false);
    expect(isRiskloopError({ code: 'conflict' })).toBe(false);
    expect(describeError(new TypeError('bad type'))).toBe('bad type');
    expect(describeError('a string')).toBe('a string');
    expect(describeError(42)).toBe('42');
  });
});
