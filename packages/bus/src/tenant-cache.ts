/**
 * A tenant's slowly-changing settings kept in memory by a service that reads them for every message (KRI
 * definitions in the KRI emitter and the runner, relay configs in the relay): loading them each time cost
 * more than the rest of the work. The service that saves a change announces it on a core NATS notice
 * subject (`notice.<what>.<tenant>`) and every copy drops the tenant's entry at once; an entry also expires
 * after `ttlMs`, in case a notice was missed (core NATS keeps none). A load in flight when the notice comes
 * is dropped with the entry, so it is not kept either.
 */
import type { BusConnection } from './connect.ts';

export interface TenantCacheOptions<T> {
  bus: BusConnection;
  /** The notices' wildcard subject, tenant last, e.g. `notice.kri-definitions.*`. */
  notices: string;
  load: (tenant: string) => Promise<T>;
  ttlMs: number;
}

export interface TenantCache<T> {
  /** The tenant's value (a failed load is not kept: the next call tries again). */
  get(tenant: string): Promise<T>;
  stop(): void;
}

/** Announce that a tenant's value changed, to every copy's cache (after the change is committed). */
export function announceChange(bus: BusConnection, notice: string): void {
  bus.nc.publish(bus.subject(notice));
}

export function createTenantCache<T>(options: TenantCacheOptions<T>): TenantCache<T> {
  const cached = new Map<string, { at: number; value: Promise<T> }>();
  const subscription = options.bus.nc.subscribe(options.bus.subject(options.notices), {
    callback: (_error, msg) => {
      cached.delete(msg.subject.split('.').at(-1) ?? '');
    },
  });

  return {
    get(tenant) {
      const hit = cached.get(tenant);
      if (hit && Date.now() - hit.at < options.ttlMs) return hit.value;
      const entry = { at: Date.now(), value: options.load(tenant) };
      cached.set(tenant, entry);
      entry.value.catch(() => {
        if (cached.get(tenant) === entry) cached.delete(tenant);
      });
      return entry.value;
    },
    stop() {
      subscription.unsubscribe();
    },
  };
}
