/**
 * Shape errors in the words of the definition language. zod's defaults ("Invalid input: expected string,
 * received undefined", "Invalid discriminator value") say what the parser saw; an author (or the
 * interview's LLM) needs to know what to write. Messages set on the schemas themselves in
 * `@riskloop/contracts` take precedence over these.
 */
import { fieldErrors, formatPath, type FieldError } from '@riskloop/contracts';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export const requiredMessage = 'required';

const nouns: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${value}`;
  }
  return typeof value;
}

/** Per-parse zod error map: `WorkflowDefinition.safeParse(input, { error: definitionErrorMap })`. */
export const definitionErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return requiredMessage;
      return `expected ${nouns[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_key': {
      const reasons = issue.issues.map((inner) => inner.message).join('; ');
      return `invalid key ${JSON.stringify(issue.input)}${reasons ? `: ${reasons}` : ''}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `must match ${String(issue.pattern)}`
        : undefined;
    case 'invalid_union': {
      if (issue.discriminator === undefined || !issue.options) return undefined;
      const options = (issue.options as unknown[]).map(String);
      const what = options.includes('kri_breach') ? 'trigger' : 'step';
      const tag = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
      if (tag === undefined) return `a ${what} needs a ${issue.discriminator}: one of ${options.join(', ')}`;
      return `unknown ${what} ${issue.discriminator} ${JSON.stringify(tag)}; expected one of ${options.join(', ')}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${String(issue.values[0])}`
        : `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if ((issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1) {
        return 'must not be empty';
      }
      return undefined;
    default:
      return undefined;
  }
};

/**
 * The issues of a failed parse as field errors. A union of one-key objects (an approver is `{ user }`,
 * `{ role }`, `{ group }` or `{ expression }`) that got none of its keys says which keys it takes, rather
 * than reporting the first branch's key as required.
 */
export function shapeErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    // `on_error` is a word or a jump: unless the jump got as far as its fields, name both forms.
    if (issue.code === 'invalid_union' && issue.path.at(-1) === 'on_error') {
      const errors = fieldErrors({ issues: [issue] } as z.ZodError);
      const at = formatPath(issue.path);
      const jumpErrors = errors.some((e) => e.path !== at);
      return jumpErrors ? errors : [{ path: at, message: 'expected fail, continue or { goto: <step id> }' }];
    }
    const keys = oneKeyUnionKeys(issue);
    if (!keys || issue.code !== 'invalid_union') return fieldErrors({ issues: [issue] } as z.ZodError);
    const unknown = (issue.errors[0] ?? []).filter((inner) => inner.code === 'unrecognized_keys');
    const prefixed = unknown.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
    return [
      { path: formatPath(issue.path), message: `needs one of ${keys.join(', ')}` },
      ...fieldErrors({ issues: prefixed } as z.ZodError),
    ];
  });
}

/** The keys of a union whose every branch failed for want of its own single key; otherwise undefined. */
function oneKeyUnionKeys(issue: Issue): string[] | undefined {
  if (issue.code !== 'invalid_union' || issue.errors.length < 2) return undefined;
  const keys: string[] = [];
  for (const branch of issue.errors) {
    const missing = branch.filter(
      (inner) =>
        inner.code === 'invalid_type' && inner.message === requiredMessage && inner.path.length === 1,
    );
    const rest = branch.filter((inner) => !missing.includes(inner) && inner.code !== 'unrecognized_keys');
    if (missing.length !== 1 || rest.length > 0) return undefined;
    keys.push(String(missing[0]?.path[0]));
  }
  return keys;
}
