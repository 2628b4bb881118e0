/**
 * Run artifacts: files a run's `document` steps produced (Markdown, HTML, PDF), kept by the relay with
 * their size and SHA-256, listed on the run and downloadable through the gateway.
 */
import { z } from 'zod';
import { ArtifactView } from './relay.ts';
import { rpc } from './rpc.ts';

export { ArtifactView };

export const ArtifactName = z.string().regex(/^[A-Za-z0-9_-]{1,100}\.(md|html|pdf)$/);

export const artifactRpcs = {
  listArtifacts: rpc(
    'relay',
    'list-artifacts',
    z.object({ runId: z.uuid() }),
    z.object({ items: z.array(ArtifactView) }),
  ),
  /** One artifact with its bytes (base64: NATS carries JSON; artifacts are capped well under 1 MB). */
  getArtifact: rpc(
    'relay',
    'get-artifact',
    z.object({ runId: z.uuid(), name: z.string().max(200) }),
    ArtifactView.extend({ content: z.base64() }),
  ),
} as const;
