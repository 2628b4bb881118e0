/**
 * Parse a service's environment once with zod. A bad value stops the boot with a message that names the key.
 */
import type { z } from 'zod';

export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * @example
 * const env = parseEnv(z.object({ PORT: z.coerce.number().default(8080) }), process.env);
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new EnvError(`invalid configuration: ${problems.join('; ')}`);
}
