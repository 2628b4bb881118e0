/**
 * Files for a `slack` step through Slack's external-upload flow (the old `files.upload` is retired): per
 * file, `files.getUploadURLExternal` (its name and length) and the bytes POSTed to the URL it returns;
 * then one `files.completeUploadExternal` shares them all to the channel. Each upload's file id is
 * recorded on the delivery as soon as it exists, and so is the share: a relay copy that takes the delivery
 * over after a crash uploads and shares nothing twice. (An upload never completed stays private and Slack
 * discards it; a share whose answer is lost is the one call that a retry may repeat, as with any message.)
 */
import type { ArtifactRecord } from '../artifacts/store.ts';
import { expectOk } from '../net/http.ts';
import type { OpenDestination } from '../relay-config.ts';
import { once, type ConnectorContext } from './context.ts';
import { slackApi } from './slack-api.ts';

export interface SharedFile {
  name: string;
  sha256: string;
  /** Slack's file id. */
  id: string;
}

async function upload(
  destination: OpenDestination,
  token: string,
  file: ArtifactRecord,
  context: ConnectorContext,
): Promise<string> {
  const ticket = await slackApi(
    destination,
    token,
    'files.getUploadURLExternal',
    new URLSearchParams({ filename: file.name, length: String(file.size) }),
    context,
  );
  const url = ticket.upload_url;
  const id = ticket.file_id;
  if (typeof url !== 'string' || typeof id !== 'string') {
    throw new Error('Slack answered files.getUploadURLExternal without upload_url and file_id');
  }
  // The upload URL is Slack's file host, not the API's: the SSRF guard checks it like any other.
  expectOk(
    await context.http.send({
      url,
      method: 'POST',
      headers: { 'content-type': file.mediaType },
      body: file.content,
      timeoutMs: context.exec.timeoutMs,
    }),
  );
  return id;
}

export async function shareSlackFiles(
  destination: OpenDestination,
  token: string,
  channel: string,
  files: ArtifactRecord[],
  context: ConnectorContext,
): Promise<SharedFile[]> {
  const shared: SharedFile[] = [];
  for (const file of files) {
    const id = await once(context, `slack:upload:${file.name}`, () =>
      context.call(destination.name, () => upload(destination, token, file, context)),
    );
    shared.push({ name: file.name, sha256: file.sha256, id });
  }
  await once(context, 'slack:share', () =>
    context.call(destination.name, async () => {
      await slackApi(
        destination,
        token,
        'files.completeUploadExternal',
        { files: shared.map((f) => ({ id: f.id, title: f.name })), channel_id: channel },
        context,
      );
      return true;
    }),
  );
  return shared;
}
