/**
 * ServiceNow Table API: create or update a record (an incident by default). A created record carries
 * the idempotency key as its `correlation_id`, and every create first queries for it: a create whose
 * answer was lost is found instead of made twice. Output: sys_id, number, URL.
 */
import { ServiceNowStep } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { expectOk } from '../net/http.ts';
import { basicAuth, join, need, parseInput, type Connector } from './context.ts';

const Input = ServiceNowStep.shape.servicenow;

interface SnRecord {
  sys_id: string;
  number?: string;
}

export const servicenow: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const destination = (await context.store.open(
    context.tenant,
    context.config,
    'servicenow',
    input.destination,
  ))!;
  context.usedDestination(destination.name);
  if (destination.config.type !== 'servicenow') throw new Error('not a servicenow destination');
  const { instance_url: instance, username } = destination.config.settings;
  const auth = basicAuth(username, need(destination.credentials, 'password', destination.name));
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
    context.http
      .send({
        url: join(instance, path),
        method,
        headers: { authorization: auth, accept: 'application/json' },
        body,
        timeoutMs: context.exec.timeoutMs,
      })
      .then(expectOk);
  const table = input.table;
  const view = (record: SnRecord, existing: boolean) => ({
    sys_id: record.sys_id,
    number: record.number ?? null,
    table,
    url: join(instance, `nav_to.do?uri=${table}.do?sys_id=${record.sys_id}`),
    existing,
  });

  if (input.action === 'update') {
    const sysId = input.sys_id;
    if (!sysId) throw new RiskloopError('invalid_input', 'servicenow update needs a sys_id');
    return context.call(destination.name, async () => {
      const answer = await api('PATCH', `api/now/table/${table}/${encodeURIComponent(sysId)}`, input.fields);
      return view((answer.body as { result: SnRecord }).result, true);
    });
  }
  const key = context.exec.idempotencyKey;
  return context.call(destination.name, async () => {
    const query = new URLSearchParams({
      sysparm_query: `correlation_id=${key}`,
      sysparm_fields: 'sys_id,number',
      sysparm_limit: '1',
    });
    const found = await api('GET', `api/now/table/${table}?${query.toString()}`);
    const existing = (found.body as { result?: SnRecord[] }).result?.[0];
    if (existing) return view(existing, true);
    const created = await api('POST', `api/now/table/${table}`, {
      ...input.fields,
      correlation_id: key,
      correlation_display: 'riskloop',
    });
    return view((created.body as { result: SnRecord }).result, false);
  });
};
