/**
 * What the guided interviewer asks for each step kind, and how it reads the constrained answers
 * (choices, durations, lists, approvers).
 */
import { Duration } from '@riskloop/contracts';

type Json = Record<string, unknown>;

export type Parsed = { value: unknown } | { error: string };

export interface Field {
  key: string;
  question: string;
  parse: (answer: string) => Parsed;
  /** Ask only when this holds for the step so far. */
  when?: (params: Json) => boolean;
}

export const none = /^(none|no|nothing|always|every|all|n\/a|-)$/i;
export const textOf =
  (max: number) =>
  (answer: string): Parsed =>
    answer.length > max ? { error: `keep it under ${max} characters` } : { value: answer };
export const listOf = (answer: string) =>
  answer
    .split(/\s*,\s*|\s+and\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
export const choice =
  (...options: string[]) =>
  (answer: string): Parsed => {
    const hit = options.find((o) => o === answer.toLowerCase());
    return hit ? { value: hit } : { error: `answer one of: ${options.join(', ')}` };
  };
export const duration = (answer: string): Parsed =>
  Duration.safeParse(answer.replace(/\s+/g, '')).success
    ? { value: answer.replace(/\s+/g, '') }
    : { error: 'give a duration such as 30m, 48h, 7d or 2w' };

function approverOf(entry: string): Json {
  const m = /^(role|group|user|expression)\s*:\s*(.+)$/i.exec(entry);
  if (m) return { [String(m[1]).toLowerCase()]: String(m[2]).trim() };
  return { user: entry };
}

export const stepFields: Record<string, Field[]> = {
  notify: [
    {
      key: 'to',
      question: 'Who should be notified? `owner`, a user, `role:<name>` or `group:<name>`.',
      parse: textOf(200),
    },
    { key: 'message', question: 'What should the message say?', parse: textOf(4000) },
  ],
  slack: [
    { key: 'channel', question: 'Which Slack channel, e.g. #security-alerts?', parse: textOf(200) },
    { key: 'text', question: 'What should the post say?', parse: textOf(4000) },
  ],
  email: [
    {
      key: 'to',
      question: 'To whom? Addresses separated by commas.',
      parse: (a) => ({ value: listOf(a) }),
    },
    { key: 'subject', question: 'The subject line?', parse: textOf(500) },
    { key: 'body', question: 'What should the email say?', parse: textOf(4000) },
  ],
  jira: [
    { key: 'project', question: 'Which Jira project key, e.g. SEC?', parse: textOf(100) },
    { key: 'summary', question: 'The ticket summary?', parse: textOf(500) },
  ],
  approval: [
    {
      key: 'approvers',
      question:
        'Who approves? Separate several with commas: `role:<name>`, `group:<name>`, `expression:<CEL>` or a user.',
      parse: (a) =>
        listOf(a).length > 0 ? { value: listOf(a).map(approverOf) } : { error: 'name at least one approver' },
    },
    {
      key: 'timeout',
      question: 'How long may they take? A duration such as 48h, or `no limit`.',
      parse: (a) => (/^no( limit)?$|^none$/i.test(a) ? { value: undefined } : duration(a)),
    },
    {
      key: 'on_timeout',
      question: 'If nobody decides in time: `reject` or `approve`?',
      parse: choice('reject', 'approve'),
      when: (p) => p.timeout !== undefined,
    },
    {
      key: 'on_reject',
      question: 'If it is rejected: `stop` the run, or `continue`?',
      parse: choice('stop', 'continue'),
    },
  ],
  wait: [{ key: 'for', question: 'How long should it wait? e.g. 30m, 2d.', parse: duration }],
  expert_panel: [
    { key: 'question', question: 'What should the expert panel be asked?', parse: textOf(4000) },
    {
      key: 'personas',
      question: 'Which personas, separated by commas (or `default`)?',
      parse: (a) => ({ value: /^default$/i.test(a) ? undefined : listOf(a) }),
    },
  ],
  document: [
    {
      key: 'name',
      question: 'Name the document (letters, digits, - _ .), e.g. weekly-report.',
      parse: (a) =>
        /^[A-Za-z0-9_.-]{1,200}$/.test(a) ? { value: a } : { error: 'use letters, digits, - _ . only' },
    },
    {
      key: 'template',
      question: 'What should it contain? Markdown; {{ }} templates allowed.',
      parse: textOf(20_000),
    },
  ],
  terminate: [
    {
      key: 'status',
      question: 'End the run as `succeeded`, `failed` or `cancelled`?',
      parse: choice('succeeded', 'failed', 'cancelled'),
    },
  ],
};
