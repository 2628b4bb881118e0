/**
 * Artifacts attached to a Jira issue: `POST /rest/api/3/issue/{key}/attachments`, one multipart `file` part
 * per request, with `X-Atlassian-Token: no-check` (Jira's XSRF guard refuses the request without it).
 * Jira has no idempotency key for attachments, so each one is tracked on the delivery: marked sent before
 * the request, recorded with its id after. When this copy may have sent it already (a retry after a lost
 * answer, or a takeover of a delivery marked sent but not recorded), the issue's attachments are read
 * first and one with the same name and size is taken instead of uploading again.
 */
import { FormData } from 'undici';
import type { ArtifactRecord } from '../artifacts/store.ts';
import type { HttpAnswer } from '../net/http.ts';
import type { ConnectorContext } from './context.ts';

/** A call to the destination's REST API (auth, base URL and status check already applied). */
export type JiraApi = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<HttpAnswer>;

export interface AttachedFile {
  name: string;
  sha256: string;
  /** Jira's attachment id. */
  id: string;
}

interface JiraAttachmentView {
  id: string;
  filename: string;
  size: number;
}

export async function attachToIssue(
  issueKey: string,
  files: ArtifactRecord[],
  api: JiraApi,
  destination: string,
  context: ConnectorContext,
): Promise<AttachedFile[]> {
  const key = encodeURIComponent(issueKey);
  const existing = async (file: ArtifactRecord) => {
    const answer = await api('GET', `rest/api/3/issue/${key}?fields=attachment`);
    const listed = (answer.body as { fields?: { attachment?: JiraAttachmentView[] } }).fields?.attachment;
    return listed?.find((a) => a.filename === file.name && a.size === file.size);
  };
  const attached: AttachedFile[] = [];
  for (const file of files) {
    const effect = `jira:attachment:${issueKey}:${file.name}`;
    const done = context.effects[effect] as { id: string } | undefined;
    if (done) {
      attached.push({ name: file.name, sha256: file.sha256, id: done.id });
      continue;
    }
    let maybeSent = `${effect}:sent` in context.effects;
    await context.record(`${effect}:sent`, true);
    const result = await context.call(destination, async () => {
      const found = maybeSent ? await existing(file) : undefined;
      if (found) return { id: found.id };
      maybeSent = true;
      const form = new FormData();
      form.append('file', new Blob([file.content], { type: file.mediaType }), file.name);
      const answer = await api('POST', `rest/api/3/issue/${key}/attachments`, form, {
        'x-atlassian-token': 'no-check',
      });
      const [created] = answer.body as JiraAttachmentView[];
      if (!created?.id) throw new Error('Jira answered the attachment upload without an attachment');
      return { id: created.id };
    });
    await context.record(effect, result);
    attached.push({ name: file.name, sha256: file.sha256, id: result.id });
  }
  return attached;
}
