/**
 * Jira (REST API v3): create an issue, comment on one, or transition one. A created issue carries a
 * label derived from the idempotency key, and every create first searches for that label: a create whose
 * answer was lost (a timeout, a relay that died) is found instead of opened twice. Output: key, id, URL.
 * With `attachments`, the artifacts are then attached to that issue (jira-attachments.ts), once each.
 */
import { JiraStep } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { createHash } from 'node:crypto';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import {
  attachmentsOf,
  basicAuth,
  join,
  need,
  parseInput,
  type Connector,
  type ConnectorContext,
} from './context.ts';
import { attachToIssue, type JiraApi } from './jira-attachments.ts';

const Input = JiraStep.shape.jira;
type Input = ReturnType<typeof Input.parse>;

/** A Jira label naming one idempotency key. */
export const jiraMarker = (idempotencyKey: string) =>
  `riskloop-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20)}`;

/** Plain text as an Atlassian Document Format document, one paragraph per line. */
const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: text
    .split('\n')
    .map((line) => ({ type: 'paragraph', content: line ? [{ type: 'text', text: line }] : [] })),
});

export const jira: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  // An unknown or oversized attachment fails the step before the issue is touched.
  const files = await attachmentsOf(context, input.attachments);
  const destination = (await context.store.open(context.tenant, context.config, 'jira', input.destination))!;
  const { api, output } = await act(input, context, destination);
  if (files.length === 0) return output;
  const attachments = await attachToIssue(output.key, files, api, destination.name, context);
  return { ...output, attachments };
};

async function act(
  input: Input,
  context: ConnectorContext,
  destination: OpenDestination,
): Promise<{ api: JiraApi; output: { key: string } & Record<string, unknown> }> {
  context.usedDestination(destination.name);
  if (destination.config.type !== 'jira') throw new Error('not a jira destination');
  const settings = destination.config.settings;
  const token = need(destination.credentials, 'api_token', destination.name);
  const api: JiraApi = (method, path, body, headers) =>
    context.http
      .send({
        url: join(settings.base_url, path),
        method,
        headers: {
          authorization: settings.email ? basicAuth(settings.email, token) : `Bearer ${token}`,
          accept: 'application/json',
          ...headers,
        },
        body,
        timeoutMs: context.exec.timeoutMs,
      })
      .then(expectOk);
  const issueKey = (value: string | undefined) => {
    if (!value) throw new RiskloopError('invalid_input', `jira ${input.action} needs an issue key`);
    return encodeURIComponent(value);
  };
  const browse = (key: string) => join(settings.base_url, `browse/${key}`);

  if (input.action === 'comment') {
    const key = issueKey(input.issue);
    const output = await context.call(destination.name, async () => {
      const answer = await api('POST', `rest/api/3/issue/${key}/comment`, {
        body: adf(input.comment ?? input.summary ?? ''),
      });
      return {
        key: input.issue ?? '',
        commentId: (answer.body as { id?: string }).id ?? null,
        url: browse(input.issue ?? ''),
      };
    });
    return { api, output };
  }
  if (input.action === 'transition') {
    const key = issueKey(input.issue);
    const wanted = input.transition;
    if (!wanted) throw new RiskloopError('invalid_input', 'jira transition needs a transition name or id');
    const output = await context.call(destination.name, async () => {
      const listed = await api('GET', `rest/api/3/issue/${key}/transitions`);
      const transitions = (listed.body as { transitions?: { id: string; name: string }[] }).transitions ?? [];
      const match = transitions.find((t) => t.id === wanted || t.name.toLowerCase() === wanted.toLowerCase());
      if (!match)
        throw new RiskloopError('jira_no_transition', `issue ${input.issue} has no transition ${wanted}`);
      await api('POST', `rest/api/3/issue/${key}/transitions`, { transition: { id: match.id } });
      return { key: input.issue ?? '', transition: match.name, url: browse(input.issue ?? '') };
    });
    return { api, output };
  }
  return { api, output: await createIssue(input, settings, context, destination, api, browse) };
}

async function createIssue(
  input: Input,
  settings: { project?: string | undefined; issue_type: string },
  context: ConnectorContext,
  destination: OpenDestination,
  api: JiraApi,
  browse: (key: string) => string,
) {
  const project = input.project ?? settings.project;
  if (!project)
    throw new RiskloopError('invalid_input', 'jira create needs a project (on the step or the destination)');
  if (!input.summary) throw new RiskloopError('invalid_input', 'jira create needs a summary');
  const marker = jiraMarker(context.exec.idempotencyKey);
  return context.call(destination.name, async () => {
    const found = await api('POST', 'rest/api/3/search/jql', {
      jql: `labels = "${marker}"`,
      fields: ['summary'],
      maxResults: 1,
    });
    const existing = (found.body as { issues?: { id: string; key: string }[] }).issues?.[0];
    if (existing) return { key: existing.key, id: existing.id, url: browse(existing.key), existing: true };
    const created = await api('POST', 'rest/api/3/issue', {
      fields: {
        project: { key: project },
        issuetype: { name: input.issue_type ?? settings.issue_type },
        summary: input.summary,
        ...(input.description ? { description: adf(input.description) } : {}),
        ...(input.priority ? { priority: { name: input.priority } } : {}),
        ...(input.assignee ? { assignee: { id: input.assignee } } : {}),
        labels: [...(input.labels ?? []), marker],
      },
    });
    const issue = created.body as { id: string; key: string };
    return { key: issue.key, id: issue.id, url: browse(issue.key), existing: false };
  });
}
