/** A draft in plain words: what starts it and what each step will do, for the admin to check before confirming. */
import type { Draft } from './draft.ts';
import { draftSteps } from './gaps.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function triggerLine(t: Json): string {
  const when = t.condition ? `, when ${text(t.condition)}` : '';
  switch (t.type) {
    case 'kri_breach':
      return `Starts when KRI ${text(t.kri)} breaches its threshold${when}.`;
    case 'event':
      return `Starts on the event ${text(t.event)}${when}.`;
    case 'schedule':
      return `Starts on the schedule "${text(t.cron)}" (${text(t.timezone ?? 'UTC')}).`;
    case 'manual':
      return 'Starts when someone runs it by hand.';
    case 'webhook':
      return `Starts on an inbound webhook${when}.`;
    default:
      return `Starts on ${text(t.type)}.`;
  }
}

function approvers(list: unknown): string {
  return (Array.isArray(list) ? list : [])
    .filter(isObject)
    .map((a) => Object.entries(a).map(([k, v]) => (k === 'user' ? text(v) : `${k} ${text(v)}`))[0])
    .join(', ');
}

function stepLine(s: Json): string {
  const p = isObject(s[String(s.type)]) ? (s[String(s.type)] as Json) : {};
  const only = s.if ? ` (only if ${text(s.if)})` : '';
  const what = ((): string => {
    switch (s.type) {
      case 'notify':
        return `notify ${text(p.to)}: "${text(p.message)}"`;
      case 'slack':
        return `post to Slack ${text(p.channel)}: "${text(p.text)}"`;
      case 'teams':
        return `post to Teams: "${text(p.text)}"`;
      case 'email':
        return `email ${text(p.to)}: "${text(p.subject)}"`;
      case 'jira':
        return `${text(p.action ?? 'create')} a Jira issue in ${text(p.project ?? p.issue)}: "${text(p.summary ?? p.comment ?? p.transition)}"`;
      case 'approval': {
        const timeout = p.timeout
          ? `; no decision within ${text(p.timeout)} means ${text(p.on_timeout ?? 'reject')}`
          : '; no time limit';
        return `ask ${approvers(p.approvers)} to approve (${text(p.mode ?? 'any')})${timeout}`;
      }
      case 'wait':
        return p.for
          ? `wait ${text(p.for)}`
          : p.until
            ? `wait until ${text(p.until)}`
            : `wait for the event ${text(isObject(p.event) ? p.event.type : '')}`;
      case 'emit_kri':
        return `emit the KRI event ${text(p.event)}${p.kri ? ` on ${text(p.kri)}` : ''}`;
      case 'expert_panel':
        return `ask an expert panel (${text(p.personas ?? 'default personas')}): "${text(p.question)}"`;
      case 'document':
        return `write the document ${text(p.name)}`;
      case 'terminate':
        return `end the run as ${text(p.status ?? 'succeeded')}${p.reason ? `: ${text(p.reason)}` : ''}`;
      case 'branch':
        return 'choose a path';
      case 'parallel':
        return 'run branches side by side';
      default:
        return `${text(s.type)} step`;
    }
  })();
  return `${text(s.id)}: ${what}${only}.`;
}

export function describeDraft(draft: Draft): string[] {
  const lines: string[] = [];
  if (draft.name)
    lines.push(`Workflow "${text(draft.name)}"${draft.owner ? `, owned by ${text(draft.owner)}` : ''}.`);
  for (const t of Array.isArray(draft.triggers) ? draft.triggers.filter(isObject) : [])
    lines.push(triggerLine(t));
  for (const c of Array.isArray(draft.conditions) ? draft.conditions : []) lines.push(`Only if ${text(c)}.`);
  draftSteps(draft).forEach((s, i) => lines.push(`${i + 1}. ${stepLine(s)}`));
  if (Array.isArray(draft.emits) && draft.emits.length > 0)
    lines.push(`Emits the KRI events ${draft.emits.map(text).join(', ')}.`);
  return lines;
}
