/** Every migration of this service, in order. New ones are appended by `npm run db:migration:create`. */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122073644 } from './Migration20261122073644.ts';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261122073644', class: Migration20261122073644 },
];
