/**
 * The filesystem artifact store: `<root>/<tenant>/<run>/<name>` with a `<name>.json` beside it holding the
 * metadata. For a single host; written through a temporary file and a rename, so a reader never sees half.
 */
import type { ArtifactView } from '@riskloop/contracts';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore } from './store.ts';

/** Tenant ids and run ids are checked before they become path segments. */
const safe = (segment: string) => {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(segment) || segment.startsWith('.')) {
    throw new Error(`unsafe path segment ${JSON.stringify(segment)}`);
  }
  return segment;
};

export function fsArtifactStore(root: string): ArtifactStore {
  const folder = (tenant: string, runId: string) => join(root, safe(tenant), safe(runId));
  const exists = async (path: string) =>
    readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });

  return {
    async put(tenant, runId, artifact) {
      const dir = folder(tenant, runId);
      await mkdir(dir, { recursive: true });
      const { content, ...meta } = artifact;
      const file = join(dir, safe(artifact.name));
      await writeFile(`${file}.tmp`, content);
      await rename(`${file}.tmp`, file);
      await writeFile(`${file}.json.tmp`, JSON.stringify(meta));
      await rename(`${file}.json.tmp`, `${file}.json`);
    },
    async get(tenant, runId, name) {
      const file = join(folder(tenant, runId), safe(name));
      const [meta, content] = await Promise.all([exists(`${file}.json`), exists(file)]);
      if (!meta || !content) return undefined;
      return { ...(JSON.parse(meta.toString('utf8')) as ArtifactView), content };
    },
    async list(tenant, runId) {
      const dir = folder(tenant, runId);
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      const metas = await Promise.all(
        names.filter((n) => n.endsWith('.json')).map(async (n) => readFile(join(dir, n), 'utf8')),
      );
      return metas
        .map((m) => JSON.parse(m) as ArtifactView)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    },
  };
}
