/**
 * What an interview draft may contain, whatever the admin or the model says: only allow-listed step kinds,
 * relay destinations that exist for the tenant, no URLs or IP addresses anywhere, and nothing outside the
 * definition language (the interview cannot grant a permission: there is nothing in a definition that
 * could, and every other key is refused). Works on raw drafts, before they validate.
 */
import {
  formatPath,
  stepKinds,
  type DestinationRef,
  type FieldError,
  type StepKind,
} from '@riskloop/contracts';

/** `webhook` takes a URL and `remediation` acts on infrastructure: both are authored by hand, not by interview. */
export const interviewStepKinds: readonly StepKind[] = stepKinds.filter(
  (k) => k !== 'webhook' && k !== 'remediation',
);

const urlPattern = /[a-z][a-z0-9+.-]*:\/\/|\b(?:\d{1,3}\.){3}\d{1,3}\b|\bwww\.[a-z0-9-]+\./i;
const stepListKeys = new Set(['steps', 'default']);

type Path = (string | number)[];

/** Every policy violation in `draft`, each with its path. */
export function policyErrors(draft: unknown, destinations: readonly DestinationRef[]): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set(destinations.map((d) => d.name));
  const visit = (value: unknown, path: Path, inStepList: boolean): void => {
    if (typeof value === 'string') {
      if (urlPattern.test(value)) {
        errors.push({
          path: formatPath(path),
          message:
            'URLs and IP addresses are not allowed in an interview draft; name a configured relay destination instead',
        });
      }
      return;
    }
    if (Array.isArray(value)) {
      const list = stepListKeys.has(String(path.at(-1)));
      value.forEach((item, i) => visit(item, [...path, i], list));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (
      inStepList &&
      typeof record.type === 'string' &&
      !interviewStepKinds.includes(record.type as StepKind)
    ) {
      errors.push({
        path: formatPath([...path, 'type']),
        message: `${record.type} steps cannot be authored by interview; use one of ${interviewStepKinds.join(', ')}`,
      });
    }
    for (const [key, inner] of Object.entries(record)) {
      if (key === 'destination' && typeof inner === 'string' && !names.has(inner)) {
        errors.push({
          path: formatPath([...path, key]),
          message:
            names.size === 0
              ? `no relay destination is configured for this tenant; leave destination out to use the default`
              : `${inner} is not a configured relay destination; use one of ${[...names].join(', ')}`,
        });
      }
      visit(inner, [...path, key], false);
    }
  };
  visit(draft, [], false);
  return errors;
}
