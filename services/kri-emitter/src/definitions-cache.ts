/**
 * Each tenant's KRI event definitions, kept in memory: the emitter reads them for every `emit_kri` step and
 * every step result, and asking the registry each time cost more than the rest of the work. The registry
 * announces a change on `notice.kri-definitions.<tenant>` and the tenant's copy is dropped at once; a copy
 * is also dropped after `ttlMs`, in case a notice was missed (core NATS does not keep them).
 */
import type { BusConnection } from '@riskloop/bus';
import { subjects, type KriDefinitionView } from '@riskloop/contracts';

export interface DefinitionCacheOptions {
  bus: BusConnection;
  load: (tenant: string) => Promise<KriDefinitionView[]>;
  ttlMs: number;
}

export function createDefinitionCache(options: DefinitionCacheOptions) {
  const cached = new Map<string, { at: number; definitions: Promise<KriDefinitionView[]> }>();
  const subscription = options.bus.nc.subscribe(options.bus.subject(subjects.kriDefinitionsChangedAll()), {
    callback: (_error, msg) => {
      cached.delete(msg.subject.split('.').at(-1) ?? '');
    },
  });

  return {
    /** The tenant's definitions (a failed load is not kept). */
    get(tenant: string): Promise<KriDefinitionView[]> {
      const hit = cached.get(tenant);
      if (hit && Date.now() - hit.at < options.ttlMs) return hit.definitions;
      const definitions = options.load(tenant);
      cached.set(tenant, { at: Date.now(), definitions });
      definitions.catch(() => cached.delete(tenant));
      return definitions;
    },
    stop(): void {
      subscription.unsubscribe();
    },
  };
}
