/** zod issues as `{ path, message }` pairs with readable paths such as `steps[2].webhook.url`. */
import type { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

function issueErrors(issue: Issue, base: readonly PropertyKey[]): FieldError[] {
  const path = [...base, ...issue.path];
  // A union that failed on every branch: report the branch errors, not "invalid input".
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
    return best.flatMap((inner) => issueErrors(inner, path));
  }
  // zod reports unknown keys on the object that holds them; name each key's own path instead.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: 'unknown field' }));
  }
  return [{ path: formatPath(path), message: issue.message }];
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => issueErrors(issue, []));
}
