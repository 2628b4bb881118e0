import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { EnvError, parseEnv } from './env.ts';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(8080),
  DATABASE_URL: z.url(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn']).default('info'),
});

describe('parseEnv', () => {
  test('parses, coerces and applies defaults', () => {
    expect(
      parseEnv(schema, { DATABASE_URL: 'postgres://db:5432/riskloop', PORT: '9000', UNRELATED: 'x' }),
    ).toEqual({
      PORT: 9000,
      DATABASE_URL: 'postgres://db:5432/riskloop',
      LOG_LEVEL: 'info',
    });
  });

  test('names every bad key in its error', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).name).toBe('EnvError');
    const message = (error as EnvError).message;
    expect(message).toMatch(/^invalid configuration: /);
    expect(message).toContain('PORT: ');
    expect(message).toContain('DATABASE_URL: ');
    expect(message).toContain('LOG_LEVEL: ');
  });

  test('a refinement on the whole environment is reported as (env)', () => {
    const paired = z
      .object({ USER: z.string().optional(), PASSWORD: z.string().optional() })
      .refine(
        (env) => (env.USER === undefined) === (env.PASSWORD === undefined),
        'USER and PASSWORD go together',
      );
    expect(() => parseEnv(paired, { USER: 'u' })).toThrow('(env): USER and PASSWORD go together');
  });
});
