/**
 * `notify`: reach people on their preferred channel. `to` names people of the relay config's
 * `recipients`, `role:<name>` and `group:<name>` (the config's `roles` and `groups`), `owner` (the owner
 * of the run's workflow, itself any of these), or plain email addresses. Every recipient is resolved
 * before anything is sent; each send is recorded as it happens, so a relay copy that takes the delivery
 * over skips the people already reached.
 */
import { NotifyStep, type RelayConfigBody, type Recipient } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { sendEmail } from './email.ts';
import { sendPagerDuty } from './pagerduty.ts';
import { postSlack } from './slack.ts';
import { postTeams } from './teams.ts';
import { notifyWebhook } from './webhook.ts';
import { parseInput, type Connector, type ConnectorContext } from './context.ts';

const Input = NotifyStep.shape.notify;
const emailLike = /^[^@\s]+@[^@\s]+$/;

export interface Person {
  name: string;
  recipient: Recipient;
}

/** Everyone `to` names, once each, in order; throws naming the first that cannot be resolved. */
export function resolvePeople(
  to: readonly string[],
  config: RelayConfigBody,
  owner: string | undefined,
): Person[] {
  const people = new Map<string, Person>();
  const add = (entry: string, depth: number): void => {
    const name = entry.trim();
    if (name === 'owner') {
      if (!owner || depth > 0)
        throw new RiskloopError('unknown_recipient', 'the workflow has no owner to notify');
      return add(owner, depth + 1);
    }
    const group = /^(role|group):(.+)$/.exec(name);
    if (group) {
      const members = (group[1] === 'role' ? config.roles : config.groups)[group[2] ?? ''];
      if (!members) throw new RiskloopError('unknown_recipient', `the relay config has no ${name}`);
      for (const member of members) add(member, depth + 1);
      return;
    }
    const recipient =
      config.recipients[name] ??
      (emailLike.test(name) ? { channel: 'email' as const, address: name } : undefined);
    if (!recipient)
      throw new RiskloopError('unknown_recipient', `${name} is not in the relay config's recipients`);
    if (!people.has(name)) people.set(name, { name, recipient });
  };
  for (const entry of to) add(entry, 0);
  return [...people.values()];
}

export const notify: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const to = Array.isArray(input.to) ? input.to : [input.to];
  const needsOwner = to.some((entry) => entry.trim() === 'owner');
  const people = resolvePeople(to, context.config, needsOwner ? await context.owner() : undefined);
  const sent: Record<string, unknown>[] = [];
  for (const person of people) {
    const effect = `notify:${person.name}`;
    const done = context.effects[effect];
    if (done !== undefined) {
      sent.push(done as Record<string, unknown>);
      continue;
    }
    const result = await notifyOne(person, input, context);
    await context.record(effect, result);
    sent.push(result);
  }
  return { sent };
};

async function notifyOne(
  person: Person,
  input: { message: string; subject?: string | undefined; channel?: Recipient['channel'] | undefined },
  context: ConnectorContext,
): Promise<Record<string, unknown>> {
  const channel = input.channel ?? person.recipient.channel;
  // The person's own destination only when it is of the channel used.
  const named = channel === person.recipient.channel ? person.recipient.destination : undefined;
  const destination = (await context.store.open(context.tenant, context.config, channel, named))!;
  const address = person.recipient.address;
  const base = { to: person.name, channel, destination: destination.name };
  const subject = input.subject ?? 'riskloop notification';
  return { ...(await sendTo(channel)), ...base };

  async function sendTo(kind: Recipient['channel']): Promise<object> {
    switch (kind) {
      case 'slack':
        return postSlack(destination, { channel: address, text: input.message }, context);
      case 'email':
        if (!address) throw new RiskloopError('unknown_recipient', `${person.name} has no email address`);
        return sendEmail(
          destination,
          { to: [address], subject, text: input.message },
          context,
          `:${person.name}`,
        );
      case 'teams':
        return postTeams(destination, { title: subject, text: `${person.name}: ${input.message}` }, context);
      case 'pagerduty':
        return sendPagerDuty(
          destination,
          {
            action: 'trigger',
            severity: 'warning',
            summary: `${subject}: ${input.message}`.slice(0, 1024),
            dedupKey: `${context.exec.runId}:${context.exec.stepId}:${person.name}`,
          },
          context,
        );
      case 'webhook':
        return notifyWebhook(destination, { to: person.name, subject, message: input.message }, context);
    }
  }
}
