/**
 * Jira Cloud REST v3 with Basic auth (email and API token): create issue (201), JQL search by label,
 * comment, list and apply transitions, `myself`, read an issue's `attachment` field, and add attachments
 * (`POST /rest/api/3/issue/{key}/attachments`: multipart `file` parts, refused without
 * `X-Atlassian-Token: no-check` as Jira's XSRF check does).
 */
import { createHash } from 'node:crypto';
import { basic, needString, parseMultipart, startFakeServer, type FakeServer } from './fake-server.ts';

export interface JiraAttachment {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, any>;
  comments: unknown[];
  status: string;
  attachments: JiraAttachment[];
}

export interface JiraFake extends FakeServer {
  email: string;
  token: string;
  issues: Map<string, JiraIssue>;
}

const transitions = [
  { id: '21', name: 'In Progress' },
  { id: '31', name: 'Done' },
];

export async function startJiraFake(
  email = 'bot@example.com',
  token = 'jira-fake-api-token',
): Promise<JiraFake> {
  const issues = new Map<string, JiraIssue>();
  let n = 0;
  let attachmentCount = 0;
  const auth = () => basic(email, token);
  const attachmentView = (a: JiraAttachment) => ({
    id: a.id,
    filename: a.filename,
    mimeType: a.mimeType,
    size: a.size,
    content: `${server.url}/rest/api/3/attachment/content/${a.id}`,
  });
  const server = await startFakeServer([
    {
      method: 'POST',
      path: /^\/rest\/api\/3\/issue$/,
      auth,
      check: (request) => {
        const fields = (request.json as { fields?: Record<string, any> } | undefined)?.fields;
        if (!fields) return 'fields is required';
        return (
          needString(fields.project?.key, 'fields.project.key') ??
          needString(fields.issuetype?.name, 'fields.issuetype.name') ??
          needString(fields.summary, 'fields.summary') ??
          (fields.description === undefined || fields.description?.type === 'doc'
            ? undefined
            : 'description must be ADF')
        );
      },
      reply: (request) => {
        n += 1;
        const fields = (request.json as { fields: Record<string, any> }).fields;
        const issue = {
          id: String(10_000 + n),
          key: `${fields.project.key as string}-${n}`,
          fields,
          comments: [],
          status: 'To Do',
          attachments: [],
        };
        issues.set(issue.key, issue);
        return {
          status: 201,
          body: { id: issue.id, key: issue.key, self: `${server.url}/rest/api/3/issue/${issue.id}` },
        };
      },
    },
    {
      method: 'POST',
      path: /^\/rest\/api\/3\/search\/jql$/,
      auth,
      check: (request) => needString((request.json as { jql?: unknown } | undefined)?.jql, 'jql'),
      reply: (request) => {
        const label = /labels\s*=\s*"([^"]+)"/.exec((request.json as { jql: string }).jql)?.[1];
        const found = [...issues.values()].filter(
          (i) => label !== undefined && (i.fields.labels as string[] | undefined)?.includes(label),
        );
        return { status: 200, body: { issues: found.map(({ id, key }) => ({ id, key })), isLast: true } };
      },
    },
    {
      method: 'POST',
      path: /^\/rest\/api\/3\/issue\/([A-Z0-9-]+)\/comment$/,
      auth,
      check: (request) =>
        (request.json as { body?: { type?: string } } | undefined)?.body?.type === 'doc'
          ? undefined
          : 'body must be ADF',
      reply: (request, [key]) => {
        const issue = issues.get(key ?? '');
        if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'] } };
        issue.comments.push((request.json as { body: unknown }).body);
        return { status: 201, body: { id: String(issue.comments.length) } };
      },
    },
    {
      method: 'GET',
      path: /^\/rest\/api\/3\/issue\/([A-Z0-9-]+)\/transitions$/,
      auth,
      reply: (_request, [key]) =>
        issues.has(key ?? '')
          ? { status: 200, body: { transitions } }
          : { status: 404, body: { errorMessages: ['Issue does not exist'] } },
    },
    {
      method: 'POST',
      path: /^\/rest\/api\/3\/issue\/([A-Z0-9-]+)\/transitions$/,
      auth,
      reply: (request, [key]) => {
        const issue = issues.get(key ?? '');
        const wanted = transitions.find(
          (t) => t.id === (request.json as { transition?: { id?: string } } | undefined)?.transition?.id,
        );
        if (!issue || !wanted) return { status: 400, body: { errorMessages: ['bad transition'] } };
        issue.status = wanted.name;
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: /^\/rest\/api\/3\/issue\/([A-Z0-9-]+)$/,
      auth,
      reply: (_request, [key]) => {
        const issue = issues.get(key ?? '');
        if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'] } };
        return {
          status: 200,
          body: {
            id: issue.id,
            key: issue.key,
            fields: { summary: issue.fields.summary, attachment: issue.attachments.map(attachmentView) },
          },
        };
      },
    },
    {
      method: 'POST',
      path: /^\/rest\/api\/3\/issue\/([A-Z0-9-]+)\/attachments$/,
      auth,
      reply: (request, [key]) => {
        if (request.headers['x-atlassian-token'] !== 'no-check')
          return { status: 403, body: 'XSRF check failed' };
        const issue = issues.get(key ?? '');
        if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist'] } };
        const files = parseMultipart(request)?.filter((p) => p.name === 'file' && p.filename);
        if (!files?.length) return { status: 415, body: { errorMessages: ['no file part'] } };
        const added = files.map((f) => {
          attachmentCount += 1;
          const attachment: JiraAttachment = {
            id: String(20_000 + attachmentCount),
            filename: f.filename ?? '',
            mimeType: f.contentType ?? 'application/octet-stream',
            size: f.content.length,
            sha256: createHash('sha256').update(f.content).digest('hex'),
            content: Buffer.from(f.content),
          };
          issue.attachments.push(attachment);
          return attachmentView(attachment);
        });
        return { status: 200, body: added };
      },
    },
    {
      method: 'GET',
      path: /^\/rest\/api\/3\/myself$/,
      auth,
      reply: () => ({ status: 200, body: { emailAddress: email } }),
    },
  ]);
  return { ...server, email, token, issues };
}
