/** ServiceNow's Table API (`/api/now/table/:table`) with Basic auth: query, create (201), update. */
import { basic, startFakeServer, type FakeServer } from './fake-server.ts';

export interface ServiceNowFake extends FakeServer {
  username: string;
  password: string;
  records: Map<string, Record<string, unknown> & { sys_id: string; number: string; table: string }>;
}

export async function startServiceNowFake(
  username = 'riskloop',
  password = 'sn-fake-password',
): Promise<ServiceNowFake> {
  const records: ServiceNowFake['records'] = new Map();
  let n = 10_000;
  const auth = () => basic(username, password);
  const objectBody = (request: { json: unknown }) =>
    request.json && typeof request.json === 'object' && !Array.isArray(request.json)
      ? undefined
      : 'a JSON object body is required';
  const server = await startFakeServer([
    {
      method: 'GET',
      path: /^\/api\/now\/table\/([a-z0-9_]+)$/,
      auth,
      reply: (request, [table]) => {
        const query = request.query.get('sysparm_query') ?? '';
        const [field, value] = query.split('=');
        const limit = Number(request.query.get('sysparm_limit') ?? '100');
        const result = [...records.values()]
          .filter((r) => r.table === table && (!field || r[field] === value))
          .slice(0, limit)
          .map(({ sys_id, number }) => ({ sys_id, number }));
        return { status: 200, body: { result } };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/now\/table\/([a-z0-9_]+)$/,
      auth,
      check: objectBody,
      reply: (request, [table]) => {
        n += 1;
        const record = {
          ...(request.json as object),
          sys_id: `sys${n}`,
          number: `INC00${n}`,
          table: table ?? '',
        };
        records.set(record.sys_id, record);
        return { status: 201, body: { result: record } };
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/now\/table\/([a-z0-9_]+)\/([A-Za-z0-9]+)$/,
      auth,
      check: objectBody,
      reply: (request, [, sysId]) => {
        const record = records.get(sysId ?? '');
        if (!record) return { status: 404, body: { error: { message: 'No Record found' } } };
        Object.assign(record, request.json);
        return { status: 200, body: { result: record } };
      },
    },
  ]);
  return { ...server, username, password, records };
}
