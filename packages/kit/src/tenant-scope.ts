/**
 * The tenant the current work is for, carried through `await`s (AsyncLocalStorage): the bus sets it for
 * each message and RPC, the gateway for each authenticated request, and the database layer hands it to
 * PostgreSQL, whose row-level security then shows only that tenant's rows. Work outside any scope
 * (reconcilers, timers, schedules: they serve every tenant) is system-wide.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What PostgreSQL's policies read as "every tenant". */
export const systemScope = '*';

const storage = new AsyncLocalStorage<string>();

export const tenantScope = {
  /** Run `work` as `tenant`'s. */
  run<T>(tenant: string, work: () => T): T {
    return storage.run(tenant, work);
  },
  /** The tenant of the current work, or the system scope outside any. */
  current(): string {
    return storage.getStore() ?? systemScope;
  },
};
