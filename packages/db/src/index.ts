export { createOrm, serviceOrmOptions } from './orm.ts';
export type { ServiceOrmOptions } from './orm.ts';
export { migrate, ensureDatabase } from './migrate.ts';
export { execute } from './direct.ts';
export { createOutbox, outboxTableSql, OutboxEntry } from './outbox.ts';
export type { Outbox, OutboxMessage, OutboxOptions } from './outbox.ts';
export { DataKeyEntry, pgDataKeyStore } from './data-keys.ts';
export { appRole, ensureRowSecurity, scopeToTenants, tenantSetting } from './row-security.ts';
